// Who uses the product (DOMAIN.md), as roles: codes in the API, Chinese names in the UI.
// Pure data, no I/O.

export const ROLES = [
  { code: 'admin', name: '系统管理员' },
  { code: 'leader', name: '领导' },
  { code: 'dispatcher', name: '座席员/调度员' },
  { code: 'handler', name: '处置员' },
  { code: 'worker', name: '网格员' },
  { code: 'display', name: '大屏' },
  { code: 'integration', name: '系统对接' },
] as const;

export type Role = (typeof ROLES)[number]['code'];
export const ROLE_CODES = ROLES.map((r) => r.code) as Role[];

/** Every role a signed-in principal can have. */
export const ANY_ROLE: readonly Role[] = ROLE_CODES;
/** People who read: everyone but machines that only write. */
export const READERS: readonly Role[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'display', 'integration'];
/** Who may report an event (采集上报): grid workers, dispatchers (12345 calls), gateways. */
export const REPORTERS: readonly Role[] = ['admin', 'dispatcher', 'worker', 'integration'];
export const ADMIN: readonly Role[] = ['admin'];

/** Roles that never see personal data (reporters' names and phones, workers' phones). */
export const MASKED_ROLES: readonly Role[] = ['display', 'leader'];

/** Roles an account may be given (displays, devices and keys are issued, not accounts). */
export const ACCOUNT_ROLES: readonly Role[] = ['admin', 'leader', 'dispatcher', 'handler', 'worker', 'integration'];
