/// Command-line options and JSON number formatting shared by the .NET benchmark programs (Fluxion.Bench and
/// benchmarks/torch/TorchSharpBench), so both sides of a comparison read the same flags the same way.
module BenchCli

open System
open System.Globalization

/// `--quick`, `--runs N`, `--warmup N` and `--iters N` (0: the workload's own count).
type Options = { Quick: bool; Runs: int; Warmup: int; Iters: int }

/// The options in `args` (quick mode defaults to 1 run and no warm-up, otherwise 5 runs after 1 warm-up).
let options (args: string list) : Options =
    let rec opt name def = function
        | n :: v :: _ when n = name -> int v
        | _ :: rest -> opt name def rest
        | [] -> def
    let quick = List.contains "--quick" args
    { Quick = quick
      Runs = opt "--runs" (if quick then 1 else 5) args
      Warmup = opt "--warmup" (if quick then 0 else 1) args
      Iters = opt "--iters" 0 args }

/// A float as JSON: round-trip digits, `null` for NaN and infinities.
let num (x: float) =
    if Double.IsNaN x || Double.IsInfinity x then "null" else x.ToString("R", CultureInfo.InvariantCulture)
