import { Fragment } from 'react';
import type { FleetView as FleetViewT } from '../../../app/contract';
import { labTime } from '../../lib/format';
import { CopyButton } from '../common/CopyButton';
import { activityHeadline, jsonLines, list, obj, text, type Json } from './fleet-json';
import { useFleetView } from './useFleetView';

/**
 * The DB tab's "What Fleet shows": for each host, what Fleet's REST API (and so its UI) would answer after this step,
 * computed by the host from the step's snapshot (or, against an external Fleet, what its API answered after the
 * step): GET host (mdm, end users), the List hosts entry with its device_mapping (null is the #45066 symptom,
 * flagged), and the activity feed.
 */
export function FleetShows({ index }: { index: number }) {
  const e = useFleetView(index);
  return (
    <section className="fleet-view" aria-label="What Fleet shows" data-testid="fleet-view">
      <h3>What Fleet shows after step {index + 1}</h3>
      {e.status === 'loading' && <p className="muted">Asking the snapshot what Fleet would answer…</p>}
      {e.status === 'error' && <p className="muted">Not available: {e.error}</p>}
      {e.status === 'ready' && <Shown view={e.view} />}
    </section>
  );
}

function Shown({ view }: { view: FleetViewT }) {
  const feed = list(view.activities.activities).map(obj);
  const f = view.fetched;
  return (
    <>
      {f && (
        <p className="muted small" data-testid="fleet-view-source">
          {f.afterStep < 0
            ? `Not asked yet: the lab reads ${f.url}'s API after each step sent to it.`
            : `As ${f.url}'s API answered after step ${f.afterStep + 1}, for this run's devices (GET /api/v1/fleet/hosts?query=…).`}
        </p>
      )}
      {view.hosts.length === 0 ? (
        <p className="muted">No host yet: Fleet lists a host once orbit enrolls (ds.EnrollOrbit).</p>
      ) : (
        view.hosts.map((h) => <HostCard key={h.id} host={h} />)
      )}
      <div className="fleet-feed" aria-label="Fleet activity feed" data-testid="fleet-feed">
        <h4>
          Activity feed <span className="muted small">GET /api/v1/fleet/activities · {feed.length}</span>
        </h4>
        {feed.length === 0 ? <p className="muted small">No activity recorded yet.</p> : <ActivityList items={feed} />}
      </div>
    </>
  );
}

function HostCard({ host }: { host: FleetViewT['hosts'][number] }) {
  const detail = obj(host.getHost.host);
  const mdm = obj(detail.mdm);
  const dm = host.listEntry.device_mapping;
  const endUsers = list(detail.end_users).map(obj);
  const status = mdm.enrollment_status;
  return (
    <article className="fleet-host" data-host-id={host.id} aria-label={`Host ${host.id} as Fleet shows it`}>
      <header className="fleet-host-head">
        <strong>{text(detail.display_name) || `host ${host.id}`}</strong>
        <span className="muted small">
          id {host.id} · {text(detail.platform)} · serial {text(detail.hardware_serial) || '—'} · team {detail.team_name === null ? 'No team' : text(detail.team_name)}
        </span>
      </header>
      <dl className="fleet-facts">
        <dt>MDM</dt>
        <dd>
          <span className={`pill ${status === null ? 'pill-dim' : String(status).startsWith('On') ? 'pill-ok' : 'pill-warn'}`} data-testid="enrollment-status">
            {status === null ? 'null' : text(status)}
          </span>{' '}
          <span className="muted small">{mdm.connected_to_fleet ? 'connected to Fleet' : 'not connected to Fleet'}</span>
          {status === null && (
            <span className="muted small" title="Fleet fills host_mdm from osquery's mdm detail query, which the lab does not run">
              {' '}
              · no host_mdm row (osquery reports it)
            </span>
          )}
        </dd>
        <dt>device_mapping</dt>
        <dd data-testid="device-mapping" data-null={dm === null ? 'true' : 'false'}>
          {dm === null ? (
            <span className="fleet-null">
              <span className="pill pill-bad">null</span> no <code>host_emails</code> row, so List hosts shows no email (#45066)
            </span>
          ) : (
            list(dm)
              .map(obj)
              .map((m, i) => (
                <span key={i} className="fleet-email">
                  {text(m.email)} <span className="muted small">{text(m.source)}</span>
                </span>
              ))
          )}
        </dd>
        <dt>End user</dt>
        <dd data-testid="end-users">
          {endUsers.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            endUsers.map((u, i) => (
              <span key={i} className="fleet-email">
                {text(u.idp_username ?? '')} {u.idp_full_name ? <span className="muted small">{text(u.idp_full_name)}</span> : null}
              </span>
            ))
          )}
        </dd>
        <dt>orbit</dt>
        <dd>{detail.orbit_version === null ? <span className="muted">not reported</span> : text(detail.orbit_version)}</dd>
      </dl>
      <JsonBlock title={`GET /api/v1/fleet/hosts/${host.id}`} value={host.getHost} />
      <JsonBlock title="GET /api/v1/fleet/hosts?device_mapping=true (this host)" value={host.listEntry} open={dm === null} />
      <JsonBlock title={`GET /api/v1/fleet/hosts/${host.id}/device_mapping`} value={host.deviceMapping} />
      <JsonBlock title={`GET /api/v1/fleet/hosts/${host.id}/activities · ${list(host.activities.activities).length}`} value={host.activities} />
    </article>
  );
}

function JsonBlock({ title, value, open = false }: { title: string; value: unknown; open?: boolean }) {
  const lines = jsonLines(value);
  return (
    <details className="fleet-json" open={open}>
      <summary>
        <code>{title}</code>
      </summary>
      <div className="fleet-json-body">
        <CopyButton text={JSON.stringify(value, null, 2)} label="Copy JSON" />
        <pre>
          {lines.map((l, i) => (
            <Fragment key={i}>
              <span className={l.flag ? 'json-line flag' : 'json-line'}>{l.line}</span>
              {'\n'}
            </Fragment>
          ))}
        </pre>
      </div>
    </details>
  );
}

/** Activities as Fleet's feed lists them: when, what, about which host; a click opens the details JSON. */
export function ActivityList({ items }: { items: Json[] }) {
  return (
    <ul className="fleet-activities">
      {items.map((a, i) => {
        const d = a.details === null ? null : obj(a.details);
        return (
          <li key={i} className="fleet-activity" data-type={text(a.type)}>
            <details>
              <summary className="fleet-activity-head" title="Show the details JSON">
                <span className="muted small fleet-when">{typeof a.created_at === 'string' ? labTime(Date.parse(a.created_at)) : ''}</span>
                <span className="badge activity-type">{text(a.type)}</span>
                <span className="fleet-headline">{activityHeadline(text(a.type), d)}</span>
              </summary>
              <pre className="fleet-details">{JSON.stringify(d, null, 2)}</pre>
            </details>
          </li>
        );
      })}
    </ul>
  );
}
