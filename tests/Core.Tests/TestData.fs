/// Locates the PyTorch-made vectors and golden files copied into tests/data.
module TestData

open System.IO
open System.Text.Json

/// Full path of a data file shipped next to the test binary.
let path (name: string) = Path.Combine(System.AppContext.BaseDirectory, "data", name)

/// Parses one of the JSON data files.
let json (name: string) = JsonDocument.Parse(File.ReadAllText(path name)).RootElement

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
