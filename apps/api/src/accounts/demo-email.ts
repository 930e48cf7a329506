/** The account the embedded default seeds on its first start. */
export const DEMO_EMAIL = 'demo@conclave.local';
