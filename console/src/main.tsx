import { Navigate, Route, Router } from '@solidjs/router';
import { lazy, Show, type JSX } from 'solid-js';
import { render } from 'solid-js/web';
import { Loading } from './components/bits';
import { Toasts } from './components/toasts';
import { LoginPage } from './pages/Login';
import { QueuePage } from './pages/queue/QueuePage';
import { RequestPage } from './pages/request/RequestPage';
import { Shell } from './pages/Shell';
import { allows, loadSession, me } from './stores/session';
import './styles/app.css';

// Work screens load with the shell; administration and the rarer screens load on first visit.
const AdminRoutes = {
  users: lazy(() => import('./pages/admin/UsersPage')),
  teams: lazy(() => import('./pages/admin/TeamsPage')),
  catalog: lazy(() => import('./pages/admin/CatalogPage')),
  devices: lazy(() => import('./pages/admin/DevicesPage')),
  import: lazy(() => import('./pages/admin/ImportPage')),
  deadLetters: lazy(() => import('./pages/admin/DeadLettersPage')),
  outbox: lazy(() => import('./pages/admin/OutboxPage')),
};
const AlarmsPage = lazy(() => import('./pages/AlarmsPage'));
const IntakePage = lazy(() => import('./pages/intake/IntakePage'));
const DispatchPage = lazy(() => import('./pages/dispatch/DispatchPage'));
const TechnicianPage = lazy(() => import('./pages/technician/TechnicianPage'));
const OrderPage = lazy(() => import('./pages/order/OrderPage'));
const KnowledgePage = lazy(() => import('./pages/knowledge/KnowledgePage'));
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage'));
const SearchPage = lazy(() => import('./pages/search/SearchPage'));

function Root(props: { children?: JSX.Element }) {
  return (
    <>
      <Show when={me() !== undefined} fallback={<Loading label="Starting the console…" />}>{props.children}</Show>
      <Toasts />
    </>
  );
}

function App() {
  void loadSession().catch(() => undefined);
  return (
    <Router root={Root}>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={Shell}>
        <Route path="/" component={() => <Navigate href={allows('technicians.report') ? '/my-day' : '/queue'} />} />
        <Route path="/queue" component={QueuePage} />
        <Route path="/requests/:id" component={RequestPage} />
        <Route path="/intake" component={IntakePage} />
        <Route path="/alarms" component={AlarmsPage} />
        <Route path="/dispatch" component={DispatchPage} />
        <Route path="/my-day" component={TechnicianPage} />
        <Route path="/orders/:id" component={OrderPage} />
        <Route path="/knowledge/:id?" component={KnowledgePage} />
        <Route path="/reports" component={ReportsPage} />
        <Route path="/search" component={SearchPage} />
        <Route path="/admin/users" component={AdminRoutes.users} />
        <Route path="/admin/teams" component={AdminRoutes.teams} />
        <Route path="/admin/catalog" component={AdminRoutes.catalog} />
        <Route path="/admin/devices" component={AdminRoutes.devices} />
        <Route path="/admin/import" component={AdminRoutes.import} />
        <Route path="/admin/dead-letters" component={AdminRoutes.deadLetters} />
        <Route path="/admin/outbox" component={AdminRoutes.outbox} />
        <Route path="*" component={() => <div class="page"><div class="state empty"><strong>No such page</strong></div></div>} />
      </Route>
    </Router>
  );
}

render(() => <App />, document.getElementById('root')!);
