import type { Step } from '../../../app/contract';
import { ActivityList } from './FleetView';
import { stepActivities } from './fleet-json';

/** The inspector's "Fleet activity": the activities this step wrote to Fleet's feed (fleet.NewActivity), with their hosts. */
export function FleetActivity({ step }: { step: Step }) {
  const acts = stepActivities(step.changes);
  if (acts.length === 0) return null;
  return (
    <section className="fleet-step-activity" aria-label="Fleet activity" data-testid="fleet-activity">
      <h4>
        Fleet activity <span className="muted small">this step wrote {acts.length === 1 ? 'one activity' : `${acts.length} activities`} to the feed</span>
      </h4>
      <ActivityList
        items={acts.map((a) => ({
          type: a.type,
          created_at: a.createdAt,
          details: { ...(a.details ?? {}), ...(a.hostIds.length > 0 && !(a.details && 'host_id' in a.details) ? { host_ids: a.hostIds } : {}) },
        }))}
      />
      {acts.some((a) => a.hostIds.length === 0) && <p className="muted small">Not on any host&apos;s feed: Fleet knew no host for it when it was recorded.</p>}
    </section>
  );
}
