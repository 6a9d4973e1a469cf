// What the sign-in form says when it fails, in Chinese.
import { SignInError } from './session.ts';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function lockedMessage(seconds: number): string {
  return `尝试次数过多，请 ${seconds} 秒后再试`;
}

export function signInMessage(e: unknown): string {
  if (!(e instanceof SignInError)) return '登录失败，请稍后再试';
  switch (e.kind) {
    case 'wrong':
      return '用户名或密码错误';
    case 'locked':
      return lockedMessage(e.retryAfterS);
    case 'invalid':
      return '用户名只能包含字母、数字和 _ . -';
    case 'unreachable':
      return '无法连接服务器，请检查网络后再试';
    default:
      return '服务器暂时无法登录，请稍后再试';
  }
}
