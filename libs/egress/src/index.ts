export { classifyAddress, describeRange, isIpLiteral, type AddressVerdict } from './address';
export { isHostAllowed, parseAllowedHosts, type AllowedHost } from './allowed-hosts';
export { createEgress, type Egress } from './create-egress';
export { EGRESS_DEFAULTS, type EgressPolicy } from './egress-policy';
export { EgressBlockedError, EgressError, EgressLimitError, findEgressError } from './errors';
