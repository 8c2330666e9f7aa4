// The only way the UI reaches the app: Tauri commands. Errors arrive as {code, field, message}:
// switch on `code` and `field` (stable), never on the message's words.

const invoke = window.__TAURI__.core.invoke;

export async function call(command, args = {}) {
  try {
    return await invoke(command, args);
  } catch (e) {
    if (e && typeof e === 'object' && 'message' in e) throw e;
    throw { code: 'internal', message: String(e) };
  }
}
