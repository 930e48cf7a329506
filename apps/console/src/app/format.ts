/** How long ago, compactly: "45s", "12m", "3h 5m", "2d 4h". */
export function formatWaited(sinceIso: string | null, now: number): string {
  if (!sinceIso) return '—';
  const seconds = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export const statusLabel: Record<string, string> = {
  ready: 'Ready',
  running: 'Running',
  wait_for_human_input: 'Waiting for input',
  completed: 'Completed',
  error: 'Error',
};
