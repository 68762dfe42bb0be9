/** Tests use the same in-process emulator as the local mode. */
export { startEmulator, type Emulator } from "../../scripts/local/emulator";
