/** The house's import rules (docs/architecture.md): checked by `npm run check` and in CI. */
const DOORS = '(api|bot|jobs|sandbox)';
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: split what both need into a third, lower one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'door-to-door',
      severity: 'error',
      comment: 'No door (api, bot, jobs, sandbox) imports another: the composition root (service.ts) wires what they share.',
      from: { path: `^${DOORS}/` },
      to: { path: `^${DOORS}/`, pathNot: '^$1/' },
    },
    {
      name: 'core-imports-no-door',
      severity: 'error',
      comment: 'core/ holds the rules and knows no door, no adapter and no framework.',
      from: { path: '^core/' },
      to: {
        path: [
          `^${DOORS}/`,
          '^gateways/',
          '^media/',
          '^scripts/',
          '^bench/',
          '^tests/',
          '^(service|service-claims|main)\\.ts$',
          'node_modules/(grammy|hono|@grammyjs|@hono|stripe|pdfkit|qrcode|zxing-wasm)/',
        ],
      },
    },
    {
      name: 'wing-through-its-index',
      severity: 'error',
      comment: "A wing of core/ calls another only through that wing's index.ts (the kernel is everyone's).",
      from: { path: '^core/([^/]+)/' },
      to: { path: '^core/[^/]+/', pathNot: ['^core/$1/', '^core/kernel/', '^core/[^/]+/index\\.ts$'] },
    },
    {
      name: 'doors-through-core-indexes',
      severity: 'error',
      comment: 'Outside core, a wing is reached through its index.ts (or core/index.ts), never a file inside it.',
      from: { path: `^(${DOORS.slice(1, -1)}|scripts|bench)/|^(service|service-claims|main)\\.ts$` },
      to: { path: '^core/[^/]+/', pathNot: '^core/[^/]+/index\\.ts$' },
    },
    {
      name: 'low-floors-import-nothing-above',
      severity: 'error',
      comment: 'db/, gateways/, media/ and i18n/ sit below core and the doors: they import neither.',
      from: { path: '^(db|gateways|media|i18n)/' },
      to: {
        path: [`^${DOORS}/`, '^core/', '^scripts/', '^bench/', '^(service|service-claims|main)\\.ts$'],
        // An adapter may name the port it implements (core's types, erased at build), never run core's code.
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'bot-features-are-leaves',
      severity: 'error',
      comment:
        'A bot feature imports no other feature: what several features start lives in bot/flows/, a screen is reached through bot/screens.ts.',
      from: { path: '^bot/features/([^/.]+)' },
      to: { path: '^bot/features/', pathNot: '^bot/features/$1(/|\\.ts$)' },
    },
    {
      name: 'bot-flows-below-features',
      severity: 'error',
      comment: 'A flow (bot/flows/) is started by features; it imports none of them.',
      from: { path: '^bot/flows/' },
      to: { path: '^bot/features/' },
    },
    {
      name: 'bench-not-tests',
      severity: 'error',
      comment: 'Benchmarks stand on the product, not on test helpers.',
      from: { path: '^bench/' },
      to: { path: '^tests/' },
    },
    {
      name: 'product-not-tests',
      severity: 'error',
      comment: 'Nothing shipped imports a test.',
      from: { pathNot: '^(tests|bench)/' },
      to: { path: '^tests/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^bench/data/', '^node_modules/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
    reporterOptions: {
      dot: {
        collapsePattern: 'node_modules/(?:@[^/]+/)?[^/]+|^core/[^/]+/|^(api|bot|jobs|sandbox|db|gateways|media|i18n|scripts)/',
      },
    },
  },
};
