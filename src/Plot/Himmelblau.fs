namespace Fluxion.Plot

open System

/// The Himmelblau test function sampled on a square grid, as the heatmap of exercise 3 needs it.
module Himmelblau =

    /// f(u, v) = (u² + v − 11)² + (u + v² − 7)².
    let inline value (u: float) (v: float) : float =
        let a = u * u + v - 11.0
        let b = u + v * v - 7.0
        a * a + b * b

    /// n evenly spaced points from lo to hi inclusive (the last point is exactly hi).
    let axis (lo: float) (hi: float) (n: int) : float[] =
        if n < 2 || not (hi > lo) then
            raise (ArgumentException(sprintf "Himmelblau.axis: need n >= 2 and lo < hi, got lo=%g hi=%g n=%d" lo hi n))
        let step = (hi - lo) / float (n - 1)
        Array.init n (fun i -> if i = n - 1 then hi else lo + float i * step)

    /// Function values on the grid: row j holds v = grid[j], column i holds u = grid[i].
    let sample (grid: float[]) : float[][] =
        Array.init grid.Length (fun j ->
            let v = grid.[j]
            let row = Array.zeroCreate grid.Length
            for i in 0 .. grid.Length - 1 do row.[i] <- value grid.[i] v
            row)

    /// The course's axis limits for its two starting points, else the full [−6, 6]² square.
    let courseView (start: float * float) : (float * float) * (float * float) =
        match start with
        | (-1.0, 0.0) -> (-4.0, -0.5), (-1.0, 5.0)
        | (3.0, 0.0) -> (2.8, 3.8), (-3.0, 3.0)
        | _ -> (-6.0, 6.0), (-6.0, 6.0)
