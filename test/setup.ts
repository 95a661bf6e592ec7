/**
 * Snapshot serializers: mask what legitimately changes between builds of this library (asset
 * hashes of the bundled recovery function), so that snapshots only change when the template does.
 */
const ASSET_HASH = /[0-9a-f]{64}(\.zip)?/;

expect.addSnapshotSerializer({
  test: (val: unknown) => typeof val === 'string' && ASSET_HASH.test(val),
  serialize: (val: string) => JSON.stringify(val.replace(new RegExp(ASSET_HASH.source, 'g'), (m) => (m.endsWith('.zip') ? 'ASSET.zip' : 'ASSET'))),
});
