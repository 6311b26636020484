// The part of the `jasmine` package's runner that run_op_specs.ts uses (the package ships no types).
declare module 'jasmine' {
  export default class Jasmine {
    constructor(options: object);
    exitOnCompletion: boolean;
    env: { configure(options: object): void; beforeEach(fn: () => void): void };
    loadConfig(config: object): void;
    clearReporters(): void;
    addReporter(reporter: object): void;
    execute(files: string[]): Promise<unknown>;
  }
}
