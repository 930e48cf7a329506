import { useAsync } from '../app/useAsync';
import { useSession } from '../session/SessionContext';

/** Credits, plan and this month's messages (from `GET /account`). */
export function UsagePage() {
  const { client } = useSession();
  const account = useAsync(() => client.account(), [client]);
  const a = account.data;
  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      {account.error && (
        <p role="alert" className="error">
          {account.error.message}
        </p>
      )}
      {a && (
        <dl className="stats">
          <div>
            <dt>Plan</dt>
            <dd>{a.plan}</dd>
          </div>
          <div>
            <dt>Credit balance</dt>
            <dd data-testid="credit-balance">{a.credit_balance.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Messages this month</dt>
            <dd>
              {a.messages_used.toLocaleString()} / {a.messages_limit.toLocaleString()}
              <meter
                min={0}
                max={a.messages_limit || 1}
                value={a.messages_used}
                aria-label="Messages used this month"
              />
            </dd>
          </div>
          <div>
            <dt>Credits used this month</dt>
            <dd>{a.credits_used.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Account</dt>
            <dd>{a.email}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
