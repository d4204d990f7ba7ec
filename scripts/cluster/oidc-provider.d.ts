// oidc-provider ships no type declarations; scripts/cluster/oidc-dev-provider.ts types the parts it
// uses itself.
declare module 'oidc-provider';
