// The service's version, shown by `autoreply --version` and GET /status.
export const version = '0.1.0';
