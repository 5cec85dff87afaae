/// One op, every surface: each public function of Fluxion.Ops.Elementwise is also in the F# Tensor module and in
/// the C# facade (PascalCase), and every elementwise backend kernel is reached by some op.
module OpSurfaceTests

open System
open System.IO
open System.Reflection
open System.Text.RegularExpressions
open Expecto

let private core = typeof<Fluxion.Tensor>.Assembly
let private facade = typeof<Fluxion.CSharp.Torch>.Assembly

let private publicFunctions (t: Type) =
    t.GetMethods(BindingFlags.Public ||| BindingFlags.Static)
    |> Array.filter (fun m -> not m.IsSpecialName)
    |> Array.map (fun m -> m.Name)
    |> Array.distinct
    |> Array.sort

let private pascal (s: string) = string (Char.ToUpperInvariant s.[0]) + s.Substring 1

/// The repository root, found by walking up from the test binaries (the scan needs the sources).
let private repoRoot () =
    let rec up (d: DirectoryInfo) =
        if isNull d then failtest "could not find src/Core.FSharp above the test binaries; run the tests from the repository"
        elif Directory.Exists(Path.Combine(d.FullName, "src", "Core.FSharp")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

[<Tests>]
let tests =
    testList "OpSurface" [
        testCase "every Elementwise op is in the F# Tensor module and the C# facade" <| fun () ->
            let ops = publicFunctions (core.GetType("Fluxion.Ops.Elementwise", true))
            Expect.isGreaterThanOrEqual ops.Length 34 "Elementwise lists its ops"
            let fsharp = publicFunctions (core.GetType("Fluxion.TensorModule", true)) |> Set.ofArray
            let csharp =
                [ typeof<Fluxion.CSharp.TensorExtensions>; typeof<Fluxion.CSharp.Torch>; typeof<Fluxion.CSharp.F> ]
                |> List.collect (fun t -> List.ofArray (publicFunctions t)) |> Set.ofList
            let missingF = ops |> Array.filter (fun o -> not (fsharp.Contains o))
            let missingC = ops |> Array.filter (fun o -> not (csharp.Contains(pascal o)))
            Expect.isEmpty missingF (sprintf "Elementwise ops missing from the F# Tensor module: %s" (String.Join(", ", missingF)))
            Expect.isEmpty missingC (sprintf "Elementwise ops missing from the C# facade (Torch/TensorExtensions/F): %s" (String.Join(", ", missingC |> Array.map pascal)))

        testCase "every UnaryKind and BinaryKind kernel is used by an op outside the backends" <| fun () ->
            let root = repoRoot ()
            let sources =
                Directory.GetFiles(Path.Combine(root, "src", "Core.FSharp"), "*.fs", SearchOption.AllDirectories)
                |> Array.filter (fun p -> not (p.Replace('\\', '/').Contains "/Backend/"))
                |> Array.map File.ReadAllText
                |> String.concat "\n"
            let unused (enumType: Type) =
                Enum.GetNames enumType
                |> Array.filter (fun k -> not (Regex.IsMatch(sources, sprintf @"\b%s\.%s\b" enumType.Name k)))
            let u = unused typeof<Fluxion.Backend.UnaryKind>
            let b = unused typeof<Fluxion.Backend.BinaryKind>
            Expect.isEmpty u (sprintf "UnaryKind kernels no op uses: %s" (String.Join(", ", u)))
            Expect.isEmpty b (sprintf "BinaryKind kernels no op uses: %s" (String.Join(", ", b)))
    ]
