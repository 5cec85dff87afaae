/// Locates the PyTorch-made vectors and golden files copied into tests/data.
module TestData

open System.IO
open System.Text.Json

/// Full path of a data file shipped next to the test binary.
let path (name: string) = Path.Combine(System.AppContext.BaseDirectory, "data", name)

/// Parses one of the JSON data files.
let json (name: string) = JsonDocument.Parse(File.ReadAllText(path name)).RootElement

/// Float32 values from one hex string of their bits, 8 digits per value (the packed form of the generators).
let f32sOfHex (hex: string) =
    Array.init (hex.Length / 8) (fun i -> System.BitConverter.UInt32BitsToSingle(System.Convert.ToUInt32(hex.Substring(8 * i, 8), 16)))

/// Reads a JSON number, accepting PyTorch's named non-finite values.
let num (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.String ->
        match e.GetString() with
        | "NaN" -> nan
        | "Infinity" -> infinity
        | "-Infinity" -> -infinity
        | s -> failwithf "not a number: %s" s
    | _ -> e.GetDouble()

/// Reads a JSON array of numbers.
let nums (e: JsonElement) = [| for x in e.EnumerateArray() -> num x |]

/// An optimizer keyword argument from a vector file's `kwargs`, or its PyTorch default.
let kw (k: JsonElement) (name: string) (dflt: float) =
    match k.TryGetProperty name with
    | true, e -> e.GetDouble()
    | _ -> dflt

/// A boolean optimizer keyword argument (false when absent, as in PyTorch).
let kwb (k: JsonElement) (name: string) =
    match k.TryGetProperty name with
    | true, e -> e.GetBoolean()
    | _ -> false

/// Adam's `betas` keyword argument, or PyTorch's default (0.9, 0.999).
let betas (k: JsonElement) =
    match k.TryGetProperty "betas" with
    | true, e -> e[0].GetDouble(), e[1].GetDouble()
    | _ -> 0.9, 0.999
