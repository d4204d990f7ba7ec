// A free TCP port on loopback, for a server a test starts (the OS picks one; the test binds it next).
export { freePort } from '../../scripts/ports';
