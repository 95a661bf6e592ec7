/**
 * Snapshot serializers: mask what legitimately changes between builds of this library (asset
 * hashes of the bundled recovery function), so that snapshots only change when the template does.
 */
const ASSET_HASH = /[0-9a-f]{64}(\.zip)?/;

expect.addSnapshotSerializer({
  test: (val: unknown) => typeof val === 'string' && ASSET_HASH.test(val),
  serialize: (val: string) => JSON.stringify(val.replace(new RegExp(ASSET_HASH.source, 'g'), (m) => (m.endsWith('.zip') ? 'ASSET.zip' : 'ASSET'))),
});

// On Node 20 every test file that builds an AWS SDK client would print the SDK's Node 22 notice (a
// fact about the SDK's future releases, not a finding of the test): a passing run should look like one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
