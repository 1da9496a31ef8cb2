/**
 * Text widths for figure layout. Vega measures text with a canvas when one is installed and otherwise
 * guesses 0.8 em per character, which over-sizes facet headers, legends and titles by ~40 % and
 * truncates legend labels that would fit. nlbgk renders with resvg in DejaVu Sans (theme.ts), so the
 * layout uses that font's advance widths: per-mille of an em, read from the hmtx/cmap tables of
 * DejaVuSans.ttf and DejaVuSans-Bold.ttf (version 2.37) for the characters our figures use; others count
 * as 0.62 em (0.68 em bold). No kerning (DejaVu's is small at these sizes).
 */
const CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~−²³¹⁰⁻⁴·∫ΔΠ∇π√≤≥≪≫εαγλρδκσμθ±×…‖~°’‘“”–—∞≈⊗ ∂∈";
// prettier-ignore
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
  603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
  634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 838,
  401, 401, 401, 401, 528, 401, 318, 521, 684, 752, 669, 602, 637, 838, 838, 1047, 1047, 541, 659, 592, 592, 635, 612, 589,
  634, 636, 612, 838, 838, 1000, 500, 838, 500, 318, 318, 518, 518, 500, 1000, 833, 838, 838, 318, 517, 871,
];
// prettier-ignore
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
  733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
  712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 838,
  438, 438, 438, 438, 528, 438, 380, 610, 774, 837, 697, 791, 667, 838, 838, 1047, 1047, 557, 687, 681, 633, 716, 687, 710,
  779, 736, 687, 838, 838, 1000, 500, 838, 500, 380, 380, 657, 657, 500, 1000, 833, 838, 838, 348, 544, 896,
];

const regular = new Map<string, number>();
const bold = new Map<string, number>();
[...CHARS].forEach((c, i) => {
  regular.set(c, REGULAR[i] / 1000);
  bold.set(c, BOLD[i] / 1000);
});

/** Width in px of `text` in DejaVu Sans at `fontSize` px (bold for weights ≥ 600 or 'bold'). */
export function textWidth(text: string, fontSize: number, fontWeight?: string | number): number {
  const isBold = fontWeight === 'bold' || fontWeight === 'bolder' || (typeof fontWeight === 'number' && fontWeight >= 600) || (typeof fontWeight === 'string' && Number(fontWeight) >= 600);
  const table = isBold ? bold : regular;
  const fallback = isBold ? 0.68 : 0.62;
  let em = 0;
  for (const c of text) em += table.get(c) ?? fallback;
  return em * fontSize;
}
