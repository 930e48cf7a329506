/** The operator's key lives in session storage: gone when the tab closes, never in local storage. */
const KEY = 'conclave.apiKey';

export const savedKey = (): string | null => sessionStorage.getItem(KEY);
export const saveKey = (key: string) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);
