// The flag parsers live in @ppo/example-kit; this entry point stays for apps that still import
// them from here.
export { integerFlag, MAX_SEED, numberFlag } from '@ppo/example-kit/flags';
