/// The F# script of Unit 9 (examples/Unit09.fsx, functional: Layer values, pure Adam and clipping, folds) prints
/// what PyTorch 1.13 printed (tests/data/unit09_printed.txt), line for line, the four trainings included; and the
/// C#-shaped NoveltyCurveDataset.Create that the C# program and notebook call builds the record's data.
module Examples.Unit09ScriptTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Fluxion
open Fluxion.Course

open ExampleRunner

/// stdout of `dotnet fsi examples/Unit09.fsx`; fails on a non-zero exit.
let private scriptOutput () =
    for library in [ Path.Combine(repoRoot, "src", "Plot", "bin", "Release", "net10.0", "Fluxion.Plot.dll")
                     Path.Combine(repoRoot, "examples", "Course", "bin", "Release", "net10.0", "Fluxion.Course.dll") ] do
        if not (File.Exists library) then
            failtestf "%s is missing: the script references the Release build; run `dotnet build -c Release` first" library
    let psi = ProcessStartInfo(dotnetHost (), WorkingDirectory = repoRoot, RedirectStandardOutput = true,
                               RedirectStandardError = true, UseShellExecute = false)
    for a in [ "fsi"; "examples/Unit09.fsx" ] do psi.ArgumentList.Add a
    psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    psi.Environment["DOTNET_NOLOGO"] <- "1"
    use p = Process.Start psi
    // Read both pipes concurrently so neither can fill up and block the child.
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    // Four trainings in the interpreter: about 40 s of CPU, several minutes on a loaded machine.
    if not (p.WaitForExit(TimeSpan.FromMinutes 15.0)) then
        p.Kill true
        failtest "dotnet fsi examples/Unit09.fsx did not finish within 15 minutes"
    if p.ExitCode <> 0 then
        failtestf "dotnet fsi examples/Unit09.fsx exited with %d\n--- stderr:\n%s" p.ExitCode err.Result
    out.Result.Replace("\r\n", "\n")

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit09Script" [
        testCase "the F# script prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            let a = (scriptOutput ()).TrimEnd('\n').Split('\n')
            let g = File.ReadAllText(TestData.path "unit09_printed.txt").Replace("\r\n", "\n").TrimEnd('\n').Split('\n')
            for i in 0 .. (min a.Length g.Length) - 1 do
                Expect.equal a[i] g[i] (sprintf "line %d differs" (i + 1))
            Expect.equal a.Length g.Length (sprintf "line count: got %d, golden %d" a.Length g.Length)
            Expect.equal g.Length 97 "the golden printout's 97 lines (its trailing blank line trimmed)"

        testCase "NoveltyCurveDataset.Create (nullable sigma, value-tuple ranges) draws the record's curves; its signature has no F# type" <| fun () ->
            let viaRecord =
                NoveltyCurveDataset(
                    { NoveltyCurveOptions.Default with
                        NSamples = 3; SeqLen = 64; SigmaTarget = Some 1.0; Seed = 2L; MinGap = 6; NPeaksRange = (5, 10)
                        NoiseStd = 0.06; RiseLenRange = (6, 10) })
            let viaCreate = NoveltyCurveDataset.Create(3, 64, Nullable 1.0, 2L, 6, Nullable<struct (int * int)>(struct (5, 10)), 0.06, Nullable<struct (int * int)>(struct (6, 10)))
            Expect.equal (viaCreate.X.ToFloat32Array()) (viaRecord.X.ToFloat32Array()) "inputs"
            Expect.equal (viaCreate.Y.ToFloat32Array()) (viaRecord.Y.ToFloat32Array()) "targets"
            Expect.equal viaCreate.Options viaRecord.Options "options"
            let defaults = NoveltyCurveDataset.Create(2)
            Expect.equal defaults.Options { NoveltyCurveOptions.Default with NSamples = 2 } "unnamed settings keep NoveltyCurveDataset()'s defaults"
            let m = typeof<NoveltyCurveDataset>.GetMethod "Create"
            for p in m.GetParameters() do
                let rec fsharpType (t: Type) =
                    t.Namespace = "Microsoft.FSharp.Core" || t.Namespace = "Microsoft.FSharp.Collections"
                    || (t.IsGenericType && t.GetGenericTypeDefinition().FullName.StartsWith "System.Tuple`")
                    || (t.IsGenericType && t.GetGenericArguments() |> Array.exists fsharpType)
                Expect.isFalse (fsharpType p.ParameterType) (sprintf "parameter %s: %s" p.Name p.ParameterType.FullName)
                if p.Position > 0 then Expect.isTrue p.IsOptional (p.Name + " is optional")
            Expect.equal [ for p in m.GetParameters() -> p.Name ]
                [ "nSamples"; "seqLen"; "sigmaTarget"; "seed"; "minGap"; "nPeaksRange"; "noiseStd"; "riseLenRange" ] "the course's keywords"
    ]
