/**
 * Device credentials on an external broker (DESIGN.md: "for an external broker the hub
 * provisions the broker's own authentication and ACLs"). The device routes call it inside the
 * transaction that changes the device, so a broker that refuses rolls the change back.
 */
export interface BrokerDeviceAuth {
  /** create the device's broker client, or set its password (rotation); it may publish only under devices/<id>/ */
  upsert(deviceId: string, token: string): Promise<void>;
  /** delete the device's broker client (the broker disconnects it); idempotent */
  revoke(deviceId: string): Promise<void>;
}
