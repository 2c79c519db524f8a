import type { SessionUser } from '@qingfeng/api';

declare global {
  namespace App {
    interface Locals {
      /** The signed-in user, resolved once per request by hooks.server.ts through GET /api/auth/me. */
      user: SessionUser | null;
    }
    interface Error {
      message: string;
    }
    interface PageData {
      flash?: { kind: 'success' | 'error'; message: string } | null;
    }
  }
}

export {};
