import type { ReactNode } from 'react';
import { useSession } from '../session/SessionContext';
import { Link, usePath } from './router';

const NAV = [
  { to: '/', label: 'Inbox', match: (p: string) => p === '/' || p.startsWith('/inbox') },
  { to: '/chats', label: 'Chats', match: (p: string) => p.startsWith('/chats') },
  { to: '/flows', label: 'Flows', match: (p: string) => p.startsWith('/flows') },
  { to: '/keys', label: 'Agents & keys', match: (p: string) => p.startsWith('/keys') },
  { to: '/usage', label: 'Usage', match: (p: string) => p.startsWith('/usage') },
];

export function Layout({ children }: { children: ReactNode }) {
  const { operator, signOut } = useSession();
  const path = usePath();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Conclave</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.match(path) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {operator ? (
            <>
              Signed in as <strong data-testid="operator-name">{operator.name}</strong>
            </>
          ) : null}
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
