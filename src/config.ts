// The server's settings: environment variables, each of which a flag of `autoreply serve` can
// override. Names and defaults are a contract (README, "Configuration").

export interface Config {
  port: number;
  host: string;
  rulesFile: string;
  databasePath: string;
  webhookPath: string;
  logLevel: string;
  dbSync: 'normal' | 'full';
  /** Messages older than this many days are deleted (at startup, then daily); null keeps them forever. */
  retentionDays: number | null;
  /** When set, GET /status and /metrics need "Authorization: Bearer <token>". */
  adminToken: string | null;
  /** Put message texts and reply texts into the log (they are personal data). */
  logBodies: boolean;
  logFormat: 'json' | 'pretty';
  /** The provider's signing key; when set, every webhook must carry a valid signature. */
  authToken?: string;
  /** The webhook's URL as configured at the provider (scheme, host, path), used for signatures. */
  publicUrl?: string;
  /** Believe X-Forwarded-Proto/X-Forwarded-Host (only behind a proxy you run). */
  trustProxy: boolean;
  /** `user:password` the provider must send (HTTP Basic auth). */
  basicAuth?: { user: string; password: string };
}

export const defaults: Config = {
  port: 3000,
  host: '0.0.0.0',
  rulesFile: 'rules.yaml',
  databasePath: 'data/autoreply.db',
  webhookPath: '/webhooks/sms',
  logLevel: 'info',
  dbSync: 'normal',
  retentionDays: null,
  adminToken: null,
  logBodies: false,
  logFormat: 'json',
  trustProxy: false,
};

export class ConfigError extends Error {}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Flags win over environment variables, which win over defaults. */
export function resolveConfig(env: NodeJS.ProcessEnv, flags: Partial<Record<keyof Config, string>> = {}): Config {
  const pick = (key: keyof Config, name: string): string | undefined => {
    const v = flags[key] ?? env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const portText = pick('port', 'PORT');
  const port = portText === undefined ? defaults.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, not "${portText}"`);
  const webhookPath = pick('webhookPath', 'WEBHOOK_PATH') ?? defaults.webhookPath;
  if (!webhookPath.startsWith('/')) throw new ConfigError(`WEBHOOK_PATH must start with "/", not "${webhookPath}"`);
  const logLevel = (pick('logLevel', 'LOG_LEVEL') ?? defaults.logLevel).toLowerCase();
  if (!logLevels.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, not "${logLevel}"`);
  const dbSync = (pick('dbSync', 'DB_SYNC') ?? defaults.dbSync).toLowerCase();
  if (dbSync !== 'normal' && dbSync !== 'full') throw new ConfigError(`DB_SYNC must be "normal" or "full", not "${dbSync}"`);
  const retentionText = pick('retentionDays', 'RETENTION_DAYS');
  const retentionDays = retentionText === undefined ? defaults.retentionDays : Number(retentionText);
  if (retentionDays !== null && !(/^\d+$/.test(retentionText!) && retentionDays >= 1)) {
    throw new ConfigError(`RETENTION_DAYS must be a whole number of days (1 or more), not "${retentionText}"; leave it unset to keep messages forever`);
  }
  const logBodiesText = (pick('logBodies', 'LOG_BODIES') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(logBodiesText)) throw new ConfigError(`LOG_BODIES must be "true" or "false", not "${logBodiesText}"`);
  const logFormat = (pick('logFormat', 'LOG_FORMAT') ?? defaults.logFormat).toLowerCase();
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError(`LOG_FORMAT must be "json" or "pretty", not "${logFormat}"`);
  const publicUrl = pick('publicUrl', 'PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+/i.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must be the full address the provider calls, like https://sms.example.com/webhooks/sms, not "${publicUrl}"`);
  }
  if (publicUrl?.includes('?')) throw new ConfigError('PUBLIC_URL must not contain "?": the query string the provider sends is added to it for each request');
  const trustText = (pick('trustProxy', 'TRUST_PROXY') ?? 'false').toLowerCase();
  if (trustText !== 'true' && trustText !== 'false') throw new ConfigError(`TRUST_PROXY must be "true" or "false", not "${trustText}"`);
  const basicText = pick('basicAuth', 'BASIC_AUTH');
  const colon = basicText?.indexOf(':') ?? -1;
  if (basicText !== undefined && colon < 1) throw new ConfigError('BASIC_AUTH must be written as user:password');
  return {
    port,
    host: pick('host', 'HOST') ?? defaults.host,
    rulesFile: pick('rulesFile', 'RULES_FILE') ?? defaults.rulesFile,
    databasePath: pick('databasePath', 'DATABASE_PATH') ?? defaults.databasePath,
    webhookPath,
    logLevel,
    dbSync,
    retentionDays,
    adminToken: pick('adminToken', 'ADMIN_TOKEN') ?? defaults.adminToken,
    logBodies: logBodiesText === 'true' || logBodiesText === '1',
    logFormat,
    authToken: pick('authToken', 'AUTH_TOKEN'),
    publicUrl,
    trustProxy: trustText === 'true',
    basicAuth: basicText === undefined ? undefined : { user: basicText.slice(0, colon), password: basicText.slice(colon + 1) },
  };
}
