// 退出 from the console: as auth/session.ts signOut (which lands on the wall's page), but
// back to /console's sign-in page. The tokens are HTTP-only cookies: only the server ends them.
export async function signOutOfConsole(): Promise<void> {
  const post = (path: string) => fetch(path, { method: 'POST', credentials: 'same-origin' });
  try {
    // An expired access token cannot sign out, and the refresh cookie would sign the page
    // straight back in: refresh first, then end that session.
    if ((await post('/api/auth/logout')).status === 401 && (await post('/api/auth/refresh')).ok) await post('/api/auth/logout');
  } catch {
    /* unreachable: the page is left anyway */
  }
  window.location.replace('/console');
}
