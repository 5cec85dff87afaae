namespace Fluxion.Data

open System
open Fluxion.Random

/// torch.utils.data.random_split.
module RandomSplit =
    let private isClose (a: float) (b: float) = abs (a - b) <= 1e-9 * max (abs a) (abs b)

    /// Split lengths from lengths or fractions (fractions summing to 1 take floor(n*f), then the remainder one by
    /// one round-robin from the first split).
    let splitLengths (n: int) (lengths: float[]) : int[] =
        if isNull lengths then nullArg "lengths"
        let total = Array.sum lengths
        if isClose total 1.0 && total <= 1.0 then
            lengths |> Array.iteri (fun i f ->
                if f < 0.0 || f > 1.0 then invalidArg "lengths" (sprintf "Fraction at index %d is not between 0 and 1" i))
            let r = lengths |> Array.map (fun f -> int (floor (float n * f)))
            let remainder = n - Array.sum r
            for i in 0 .. remainder - 1 do
                r[i % r.Length] <- r[i % r.Length] + 1
            r
        else
            lengths |> Array.map (fun l ->
                if l <> floor l || l < 0.0 then invalidArg "lengths" (sprintf "random_split: length %g is not a non-negative whole number" l)
                int l)

    /// Randomly splits a dataset into non-overlapping subsets of the given lengths (or fractions), using
    /// randperm(n) from the generator (null: the default generator), exactly as PyTorch.
    let randomSplit (dataset: Dataset<'T>) (lengths: float[]) (generator: Generator) : Subset<'T>[] =
        if isNull (box dataset) then nullArg "dataset"
        let n = dataset.Count
        let ls = splitLengths n lengths
        if Array.sum ls <> n then
            invalidArg "lengths" "Sum of input lengths does not equal the length of the input dataset!"
        let g = if isNull generator then Generator.Default else generator
        let perm = Sampling.randperm g n |> Array.map int
        let mutable offset = 0
        [| for l in ls do
               yield Subset<'T>(dataset, perm[offset .. offset + l - 1])
               offset <- offset + l |]

/// torch.utils.data functions for C# and F#.
[<AbstractClass; Sealed>]
type Data =
    /// random_split with integer lengths; generator null uses the default generator.
    static member RandomSplit(dataset: Dataset<'T>, lengths: int[], [<Runtime.InteropServices.Optional; Runtime.InteropServices.DefaultParameterValue(null: Generator)>] generator: Generator) : Subset<'T>[] =
        if isNull lengths then nullArg "lengths"
        RandomSplit.randomSplit dataset (lengths |> Array.map float) generator
    /// random_split with fractions summing to 1; generator null uses the default generator.
    static member RandomSplit(dataset: Dataset<'T>, fractions: float[], [<Runtime.InteropServices.Optional; Runtime.InteropServices.DefaultParameterValue(null: Generator)>] generator: Generator) : Subset<'T>[] =
        RandomSplit.randomSplit dataset fractions generator
