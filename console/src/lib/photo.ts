// A phone camera's photo is 3–8 MB; the hub takes at most PHOTO_MAX_BYTES per photo. The
// browser scales and re-encodes it as JPEG (longest side at most 1600 px, lower quality and
// size until it fits), so the technician never sees "too large".

export const PHOTO_MAX_BYTES = 600 * 1024;
const STEPS: Array<[maxSide: number, quality: number]> = [[1600, 0.82], [1600, 0.7], [1280, 0.7], [1024, 0.65], [800, 0.6], [640, 0.5]];

/** bytes of a base64 data URL's payload */
export function dataUrlBytes(dataUrl: string): number {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
}

export async function photoDataUrl(file: File, maxBytes = PHOTO_MAX_BYTES): Promise<string> {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type) && !file.type.startsWith('image/')) throw new Error(`${file.name} is not a photo`);
  const bitmap = await createImageBitmap(file);
  try {
    for (const [maxSide, quality] of STEPS) {
      const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const url = canvas.toDataURL('image/jpeg', quality);
      if (dataUrlBytes(url) <= maxBytes) return url;
    }
  } finally {
    bitmap.close();
  }
  throw new Error(`${file.name} stays too large even scaled down`);
}
