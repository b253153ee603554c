import { createRequire } from 'node:module';

/**
 * Renders SVG text to PNG bytes with resvg (Rust, prebuilt for each platform through npm; no
 * browser). The DejaVu Sans font comes from the npm package dejavu-fonts-ttf, so text renders the
 * same on machines without system fonts.
 */
export async function svgToPng(svg: string, width = 1500): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const { Resvg } = (await import('@resvg/resvg-js')) as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: [
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
        require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
      ],
      defaultFontFamily: 'DejaVu Sans',
    },
  });
  return resvg.render().asPng();
}
