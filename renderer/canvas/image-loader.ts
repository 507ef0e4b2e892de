/** Loads an image URL into an HTMLImageElement, decoded off the main thread where the browser can. */
export async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  try {
    await img.decode();
  } catch {
    throw new Error(`The image at ${url} could not be loaded.`);
  }
  return img;
}
