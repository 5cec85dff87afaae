namespace Fluxion.Plot

open System
open System.Globalization

/// The log10(f + eps) transform behind log-coloured heatmaps, with colour-bar ticks labelled in f.
module LogScale =

    /// Offset that keeps log10 finite at f = 0; the course's LogNorm starts its colours at min + 1e-2 too.
    [<Literal>]
    let eps = 1e-2

    /// The colour value of a function value f: log10(f + eps).
    let inline transform (f: float) : float = Math.Log10(f + eps)

    /// The function value whose colour value is z (the inverse of transform).
    let inline inverse (z: float) : float = Math.Pow(10.0, z) - eps

    /// Powers of ten (as f values) from the smallest ≥ lo to the largest ≤ hi, for colour-bar ticks.
    let decadeTicks (lo: float) (hi: float) : float[] =
        if not (lo > 0.0) || not (hi >= lo) || Double.IsInfinity hi then
            raise (ArgumentException(sprintf "LogScale.decadeTicks: need 0 < lo <= hi < infinity, got lo=%g hi=%g" lo hi))
        let first = int (Math.Ceiling(Math.Log10 lo - 1e-12))
        let last = int (Math.Floor(Math.Log10 hi + 1e-12))
        [| for k in first .. last -> Math.Pow(10.0, float k) |]

    /// A tick label for a power of ten in plain decimal notation ("0.01", "1", "1000").
    let label (f: float) : string = f.ToString("0.##########", CultureInfo.InvariantCulture)
