type Env = Readonly<Record<string, string | undefined>>;

/**
 * The only variables a Mimo worker process inherits from this server (issue 5: "never
 * credentials"). An allowlist, not a denylist: the server's environment may hold any secret
 * (provider API keys, cloud tokens, this server's bound identity), and a worker is an untrusted
 * model. What passes is what a CLI needs to run and to find its own configuration, where Mimo
 * keeps its own provider credentials. Names match case-insensitively because Windows spells
 * them freely (`Path`, `SystemRoot`); none of these names is a credential in any case.
 */
const CHILD_ENV_NAMES: readonly string[] = [
  // Finding programs, the user's home and its configuration.
  "PATH",
  "PATHEXT",
  "HOME",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "HOMEDRIVE",
  "HOMEPATH",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_STATE_HOME",
  "XDG_CACHE_HOME",
  "XDG_RUNTIME_DIR",
  // Windows system locations a console program needs to start at all.
  "SystemRoot",
  "windir",
  "ComSpec",
  "SystemDrive",
  "ProgramData",
  "ProgramFiles",
  "ProgramFiles(x86)",
  "OS",
  "PROCESSOR_ARCHITECTURE",
  "NUMBER_OF_PROCESSORS",
  // Temporary files.
  "TEMP",
  "TMP",
  "TMPDIR",
  // Who and where: user name, shell, locale, terminal, time zone, display.
  "USER",
  "USERNAME",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "COLORTERM",
  "NO_COLOR",
  "FORCE_COLOR",
  "TZ",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  // Reaching the provider from behind a corporate proxy or private CA.
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
];

/** Whole families that pass: the locale categories (LC_ALL, LC_CTYPE, …). */
const CHILD_ENV_PREFIXES: readonly string[] = ["LC_"];

const NAMES = new Set(CHILD_ENV_NAMES.map((n) => n.toUpperCase()));

export function passesToMimo(name: string): boolean {
  const upper = name.toUpperCase();
  return NAMES.has(upper) || CHILD_ENV_PREFIXES.some((p) => upper.startsWith(p));
}

/** Environment for Mimo children: only the allowlisted variables of the server's environment. Nothing is added. */
export function mimoChildEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && passesToMimo(key)) out[key] = value;
  }
  return out;
}
