import { contextBridge } from 'electron';

// What the page gets (Electron security checklist §20): named, structured-clone-safe members only, never ipcRenderer
// nor a generic invoke(channel). The UI talks to the host over its loopback API, so there is no IPC here and no
// ipcMain handler whose sender would need checking (§17); a test of the built shell holds both true.
contextBridge.exposeInMainWorld('enrollscope', { shell: 'electron' as const });
