import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** CHROME_PATH, else a Chromium on the PATH, else Debian's chromium installed by scripts/provision-chromium.sh. */
export function chromiumPath(): string {
  const out = execFileSync('sh', [path.join(here, '../scripts/provision-chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

/**
 * Headless Chromium with software graphics: WebGL through ANGLE on SwiftShader, and WebGPU (the
 * `unsafe` flag lets a headless Linux build expose an adapter; SwiftShader's Vulkan where it has no GPU).
 * `webgpu: false` leaves that flag out: no adapter, as in a browser without WebGPU.
 */
export function launchChromium({ webgpu = true }: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
      '--ignore-gpu-blocklist',
    ],
  });
}
