#!/usr/bin/env -S npx tsx
import { Command, Option } from 'commander';
import { serveCommand } from './serve.js';
import { openCommand, uiCommand } from './ui.js';
import { listCommand, runCommand } from './run.js';
import { compareCommand, exportCommand } from './compare.js';
import { doctorCommand } from './doctor.js';
import { registerLoad } from './load.js';

/** `enrollscope`: the headless CLI (QA in CI) and the host launcher. */
const program = new Command()
  .name('enrollscope')
  .description('Step through Windows Entra ID join and Windows MDM enrollment against emulated parties.')
  .showHelpAfterError();

/** The options that put a real Fleet in the embedded MDM server's place (#15), the same on serve, ui and run. */
function externalFleetOptions(cmd: Command): void {
  cmd
  .option('--mdm-mysql <url>', 'show the rows of Fleet\'s MySQL each step changed (read-only; mysql://user:pass@host:port/fleet)')
  .option('--mdm-url <url>', 'enroll into this MDM server (a Fleet, https://host:port) instead of the embedded one')
  .option('--mdm-token <token>', 'the Fleet API token for --mdm-url (an API-only user\'s, or serve --json\'s fleetApiToken)')
  .option('--mdm-ca <file>', 'the CA certificate (PEM) --mdm-url\'s certificate chains to')
  .option('--insecure', 'accept every certificate from --mdm-url (loudly warned; never for a real network)');
}

program
  .command('serve')
  .description('start the emulators only and print their URLs, tenant, users and DB files')
  .option('--json', 'print one JSON line')
  .option('--data-dir <dir>', 'folder for the DB files (default: a fresh temporary folder)')
  .option('--seed <seed>', 'pin the clock and ids for a reproducible lab')
  .addOption(new Option('--mdm-port <port>', 'fixed port for the MDM server').argParser((v) => Number(v)))
  .addOption(new Option('--entra-port <port>', 'fixed port for the Entra ID emulator').argParser((v) => Number(v)))
  .addOption(new Option('--lab-port <port>', 'fixed port for the lab API (the user\'s phone: pending MFA pushes and device codes)').argParser((v) => Number(v)))
  .option('--tls', 'serve HTTPS on certificates from a lab CA (default: plain HTTP)')
  .option('--ca-out <file>', 'write the lab CA certificate (PEM) here, for clients to trust (implies --tls)')
  .option('--fleet <profile>', 'the Fleet the MDM server behaves as (see list --fleet; default current)')
  .option('--listen <address>', 'listen on this address instead of 127.0.0.1 (a host-only network for a Windows VM; warns)')
  .option('--tpm <backend>', 'the device TPM: swtpm, soft or auto (swtpm when installed and the run unseeded)', 'auto')
  .option('--fleet-api-only', 'the MDM server serves only what a real Fleet serves (no /lab/v1/mdm API): rehearse a run against a real Fleet')
  .action(serveCommand);
externalFleetOptions(program.commands.at(-1)!);

program
  .command('ui')
  .description('start the host and serve the UI on a loopback URL (npm start uses this)')
  .option('--port <port>', 'UI port (default: a free one)', (v) => Number(v))
  .option('--data-dir <dir>', 'folder for run data')
  .option('--electron', 'open an Electron window when its binary exists (not with --tls)')
  .option('--tls', 'the parties and the UI on HTTPS from a lab CA (open the UI in a browser that trusts it)')
  .option('--ca-out <file>', 'write the lab CA certificate (PEM) here (implies --tls)')
  .option('--fleet <profile>', 'the Fleet profile of the first run (see list --fleet; default current)')
  .option('--tpm <backend>', 'the device TPM of the first run: swtpm, soft or auto (default auto: swtpm when installed and the run unseeded; the UI\'s TPM option changes it per run)')
  .action(uiCommand);
externalFleetOptions(program.commands.at(-1)!);

program
  .command('open')
  .description('start the UI with a saved run on screen (a bundle from run --bundle or the UI export)')
  .argument('<bundle>', 'run bundle file')
  .option('--port <port>', 'UI port (default: a free one)', (v) => Number(v))
  .option('--electron', 'open an Electron window when its binary exists')
  .action(openCommand);

program
  .command('list')
  .description('list the scenarios, or with --fleet the Fleet profiles and their switches')
  .option('--json', 'print JSON')
  .option('--fleet', 'list the Fleet profiles (run --fleet NAME) and which behaviour switches each has on')
  .action(listCommand);

program
  .command('run')
  .description('run scenarios headless; exit 0 when every expectation holds, 1 otherwise')
  .argument('<scenario...>', 'scenario names (see list), or "all"')
  .option('--seed <seed>', 'seed for ids, clock and cached keys')
  .option('--json', 'print one JSON document with every run')
  .option('--junit <file>', 'write a JUnit XML report')
  .option('--bundle <file>', 'write the run bundle(s) as JSON')
  .option('--set <name=value...>', 'scenario options, e.g. --set eua=false')
  .option('--tls', 'the parties talk HTTPS on certificates from a lab CA')
  .option('--fleet <profile>', 'the Fleet the MDM server behaves as (see list --fleet; default current)')
  .option('--tpm <backend>', 'the device TPM: swtpm, soft or auto (swtpm when installed and the run unseeded)', 'auto')
  .action(runCommand);
externalFleetOptions(program.commands.at(-1)!);

program
  .command('compare')
  .description('compare two saved runs step by step, or one scenario under two Fleet profiles; exit 0 when they match, 1 when they differ')
  .argument('[a]', 'run bundle A (from run --bundle or the UI export)')
  .argument('[b]', 'run bundle B')
  .option('--json', 'print the comparison as JSON')
  .option('--scenario <name>', 'run this scenario twice instead, under the two --fleet profiles')
  .option('--fleet <profile>', 'a Fleet profile (twice: A then B, e.g. --fleet eua-first --fleet current)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--set <name=value...>', 'scenario options for both runs')
  .option('--seed <seed>', 'seed for both runs (default none)')
  // As diff(1): 1 means "the runs differ", so a usage error (a missing bundle, an unknown option) is 2.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(compareCommand);

program
  .command('export')
  .description('export a saved run\'s HTTP steps as HAR 1.2, or the bundle without its keys or secrets')
  .argument('<bundle>', 'run bundle')
  .option('--har <file>', 'write the HAR here (default: stdout, unless another file is asked for)')
  .option('--without-keys <file>', 'write the bundle with the lab servers\' private keys blanked in its DB snapshots (the DB tab still works)')
  .option('--redacted <file>', 'write the bundle without passwords, enroll secrets, private keys and token signatures, and without DB snapshots')
  .action(exportCommand);

program
  .command('doctor')
  .description('check an external Fleet before a run (reachable, TLS, token, Windows MDM, Entra tenant, JWKS, enroll secret); exit 0 when ready, 2 otherwise')
  .requiredOption('--mdm-url <url>', 'the Fleet server, https://host:port')
  .requiredOption('--mdm-token <token>', 'a Fleet API token (POST /api/v1/fleet/login, or an API-only user)')
  .option('--mdm-ca <file>', 'the CA certificate (PEM) that issued Fleet\'s certificate')
  .option('--insecure', 'do not verify Fleet\'s certificate')
  .option('--json', 'print one JSON line')
  .option('--tenant-id <id>', 'the lab Entra\'s tenant id (default: the embedded Entra a run with --seed starts)')
  .option('--mdm-app-id <id>', 'the lab Entra\'s MDM app id (default: the embedded Entra\'s)')
  .option('--jwks-url <url>', 'the lab Entra\'s JWKS URL (default: the embedded Entra\'s)')
  .option('--lab-ca <file>', 'the CA (PEM) the lab\'s Entra serves on, for --jwks-url (default: --mdm-ca)')
  .option('--seed <seed>', 'the seed of the run: the embedded Entra gets the same tenant id and port')
  .option('--tls', 'the embedded Entra on HTTPS, as run --tls')
  .addOption(new Option('--timeout <ms>', 'how long each check may wait').default(5000).argParser((v) => Number(v)))
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(doctorCommand);

registerLoad(program);

await program.parseAsync(process.argv);
