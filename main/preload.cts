import { contextBridge } from 'electron';

// Named, structured-clone-safe members only; the UI talks to the host over its loopback API, not IPC.
contextBridge.exposeInMainWorld('enrollscope', { shell: 'electron' as const });
