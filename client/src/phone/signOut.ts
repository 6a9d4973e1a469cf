// 退出 from the phone: as the console's (console/signOut.ts), back to /phone's sign-in page.
// What waits in the outbox stays on the phone and is sent when this worker signs in again.
export async function signOutOfPhone(): Promise<void> {
  const post = (path: string) => fetch(path, { method: 'POST', credentials: 'same-origin' });
  try {
    // An expired access token cannot sign out, and the refresh cookie would sign the page
    // straight back in: refresh first, then end that session.
    if ((await post('/api/auth/logout')).status === 401 && (await post('/api/auth/refresh')).ok) await post('/api/auth/logout');
  } catch {
    /* unreachable: the page is left anyway */
  }
  window.location.replace('/phone');
}
