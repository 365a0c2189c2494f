// The Content-Security-Policy of the studio page, sent as a response header (the Electron app protocol and the
// web-mode server alike). Scripts only from the app itself, no eval, no inline script, no plugins, no framing;
// media only from the app's own media route.
export interface CspOptions {
  /** Scheme the desktop app serves project media from; absent in web mode, where media is same-origin. */
  mediaScheme?: string;
  /** Extra connect-src entries, e.g. the web-mode WebSocket URL. */
  connect?: string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const media = ["'self'", 'blob:', ...(options.mediaScheme ? [`${options.mediaScheme}:`] : [])];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    // React writes style properties through the CSSOM, which CSP does not restrict; no inline <style> is needed.
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:', ...media.slice(2)]],
    ['media-src', media],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'", ...(options.connect ?? [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Headers every studio response carries besides the CSP. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
};
