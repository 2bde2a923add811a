import { createServer } from 'node:net';
import { freePort } from '../ports.js';

/** Temporal's four services; history runs twice, as two processes with their own ports. */
export type ServiceRole = 'frontend' | 'history' | 'matching' | 'worker';

export interface TemporalProcessSpec {
  /** Unique per process: `history-1`, `history-2`. */
  name: string;
  role: ServiceRole;
  grpcPort: number;
  membershipPort: number;
  /** The frontend's HTTP API (the others have none). */
  httpPort?: number;
  pprofPort: number;
  metricsPort: number;
}

export interface ClusterPorts {
  temporal: TemporalProcessSpec[];
  ui: number;
  sandbox: number;
  apis: [number, number];
  workerMetrics: [number, number];
}

type Ports = Omit<TemporalProcessSpec, 'name' | 'role'>;
const spec = (name: string, role: ServiceRole, ports: Ports): TemporalProcessSpec => ({ name, role, ...ports });

/**
 * `npm run cluster`'s addresses: Temporal's usual ports, the second history process beside the
 * first (+10), pprof from 7936 and Prometheus from 8000, one per process; the product's own as
 * `npm run dev` has them.
 */
export const DEFAULT_PORTS: ClusterPorts = {
  temporal: [
    spec('frontend', 'frontend', {
      grpcPort: 7233,
      membershipPort: 6933,
      httpPort: 7243,
      pprofPort: 7936,
      metricsPort: 8000,
    }),
    spec('history-1', 'history', { grpcPort: 7234, membershipPort: 6934, pprofPort: 7937, metricsPort: 8001 }),
    spec('history-2', 'history', { grpcPort: 7244, membershipPort: 6944, pprofPort: 7947, metricsPort: 8011 }),
    spec('matching', 'matching', { grpcPort: 7235, membershipPort: 6935, pprofPort: 7938, metricsPort: 8002 }),
    spec('worker', 'worker', { grpcPort: 7239, membershipPort: 6939, pprofPort: 7939, metricsPort: 8003 }),
  ],
  ui: 8233,
  sandbox: 3100,
  apis: [3000, 3001],
  workerMetrics: [9464, 9465],
};

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A free port below 32768: the server stores membership ports in a Postgres smallint, and the
 * OS hands out ephemeral ports above it. Not one of `taken`: a port stays free until its process
 * binds it, so two draws can land on the same one.
 */
async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await bindable(port))) return port;
  }
}

/** The same shape on ports nothing listens on (tests, the chaos suite, the bench), each port once. */
export async function freePorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const claim = (port: number) => {
    taken.add(port);
    return port;
  };
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return claim(port);
    }
  };
  const nextMembership = async () => claim(await freeMembershipPort(taken));
  const temporal: TemporalProcessSpec[] = [];
  for (const { name, role, httpPort } of DEFAULT_PORTS.temporal) {
    temporal.push(
      spec(name, role, {
        grpcPort: await next(),
        membershipPort: await nextMembership(),
        ...(httpPort === undefined ? {} : { httpPort: await next() }),
        pprofPort: await next(),
        metricsPort: await next(),
      }),
    );
  }
  return {
    temporal,
    ui: await next(),
    sandbox: await next(),
    apis: [await next(), await next()],
    workerMetrics: [await next(), await next()],
  };
}

export const frontendOf = (ports: ClusterPorts) => ports.temporal.find((p) => p.role === 'frontend')!;

/** The variables deploy/temporal/server/smile-verify.yaml reads, for one process on loopback. */
export function serviceEnv(process: TemporalProcessSpec, ports: ClusterPorts): Record<string, string> {
  const frontend = frontendOf(ports);
  const own = process.role.toUpperCase();
  return {
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_HOST: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(frontend.grpcPort),
    FRONTEND_HTTP_PORT: String(frontend.httpPort),
    [`${own}_GRPC_PORT`]: String(process.grpcPort),
    [`${own}_MEMBERSHIP_PORT`]: String(process.membershipPort),
    PPROF_PORT: String(process.pprofPort),
    PROMETHEUS_ENDPOINT: `127.0.0.1:${process.metricsPort}`,
  };
}
