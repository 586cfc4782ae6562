import { describe, expect, expectTypeOf, it } from 'vitest';
import * as xrepl from '../src/index.js';

describe('package root', () => {
  it('exports the public API by name', () => {
    for (const name of [
      'incrementalPath',
      'keepRulesFromConfig',
      'pruneSnapshots',
      'filesystemFilter',
      'ConfigError',
      'createMemoryPool',
      'createReplicationJob',
      'createZfsEndpoint',
      'createSshTransport',
    ] as const) {
      expect(typeof xrepl[name], name).toBe('function');
    }
    for (const name of ['jobMachine', 'replicationMachine', 'filesystemMachine', 'prunerMachine', 'snapshotterMachine'] as const) {
      expect(typeof xrepl[name].provide, name).toBe('function');
    }
  });

  it('throws ConfigError instances that name the offending field', () => {
    expect(() => xrepl.keepRulesFromConfig([{ type: 'last_n', count: 0 }])).toThrow(xrepl.ConfigError);
    expect(() => xrepl.keepRulesFromConfig([{ type: 'last_n', count: 0 }])).toThrow(/count/);
    expect(() => xrepl.filesystemFilter({ 'tank/-bad name!': true })).toThrow(xrepl.ConfigError);
  });

  it('exports the keep rule schema and the type it gives', () => {
    expect(typeof xrepl.keepRuleSchema.safeParse, 'keepRuleSchema').toBe('function');
    expect(xrepl.keepRuleSchema.safeParse({ type: 'last_n', cout: 10 }).success).toBe(false);
    expectTypeOf<{ type: 'last_n'; count: 10 }>().toExtend<xrepl.KeepRuleConfig>();
    expectTypeOf<{ type: 'last_n'; cout: 10 }>().not.toExtend<xrepl.KeepRuleConfig>();
    expectTypeOf<xrepl.KeepRuleType>().toEqualTypeOf<xrepl.KeepRuleConfig['type']>();
  });

  it('exports the types an embedder needs to implement or wrap an endpoint', async () => {
    // A wrapper that logs listings: it compiles only if every type it names is exported from the root.
    function loggingEndpoint(inner: xrepl.Endpoint, log: (line: string) => void): xrepl.Endpoint {
      const wrapper: xrepl.Endpoint = {
        ...inner,
        name: `logged:${inner.name}`,
        async capabilities(signal: AbortSignal): Promise<xrepl.EndpointCapabilities> {
          return inner.capabilities(signal);
        },
        async listFilesystems(signal: AbortSignal): Promise<xrepl.FilesystemInfo[]> {
          const filesystems = await inner.listFilesystems(signal);
          log(`filesystems: ${filesystems.map((fs) => fs.path).join(', ')}`);
          return filesystems;
        },
        async listVersions(filesystems: readonly string[] | undefined, signal: AbortSignal): Promise<Map<string, xrepl.ListedVersion[]>> {
          return inner.listVersions(filesystems, signal);
        },
        async estimateSendSize(request: xrepl.SendRequest, signal: AbortSignal): Promise<number | undefined> {
          return inner.estimateSendSize(request, signal);
        },
        async receive(request: xrepl.ReceiveRequest, signal: AbortSignal): Promise<void> {
          return inner.receive(request, signal);
        },
        async listReplicationCursors(jobId: string, signal: AbortSignal): Promise<Map<string, xrepl.FilesystemVersion>> {
          return inner.listReplicationCursors(jobId, signal);
        },
      };
      const listAll = inner.listAll?.bind(inner);
      if (listAll) {
        wrapper.listAll = async (jobId: string, signal: AbortSignal): Promise<xrepl.EndpointListing> => listAll(jobId, signal);
      }
      const listForeignCursors = inner.listForeignCursors?.bind(inner);
      if (listForeignCursors) {
        wrapper.listForeignCursors = async (jobId: string, signal: AbortSignal): Promise<Map<string, xrepl.ForeignCursor[]>> =>
          listForeignCursors(jobId, signal);
      }
      return wrapper;
    }
    const lines: string[] = [];
    const wrapped = loggingEndpoint(xrepl.createMemoryPool({ name: 'src' }).sender(), (line) => lines.push(line));
    expect(wrapped.name).toBe('logged:memory:src');
    expect(await wrapped.listFilesystems(new AbortController().signal)).toEqual([]);
    expect(lines).toEqual(['filesystems: ']);

    expectTypeOf<xrepl.EndpointListing['foreignCursors']>().toEqualTypeOf<Map<string, xrepl.ForeignCursor[]> | undefined>();
    expectTypeOf<xrepl.DestroyResult>().toHaveProperty('error');
    expectTypeOf<xrepl.ResumeTokenTarget>().toBeObject();
    expectTypeOf<xrepl.ListedVersion>().toExtend<xrepl.FilesystemVersion>();
    const kind: xrepl.EndpointErrorKind = 'dataset-not-found';
    const error = new xrepl.EndpointError('no such dataset', { kind });
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
  });
});
