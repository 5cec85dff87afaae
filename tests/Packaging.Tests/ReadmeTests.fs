/// The README's "Use Fluxion in your project" section: its programs are the files the tests run, verbatim.
module ReadmeTests

open System.IO
open System.Text.RegularExpressions
open Expecto
open Processes

let private read (relative: string) = File.ReadAllText(Path.Combine(repoRoot, relative)).Replace("\r\n", "\n")

/// The package version: the one VersionPrefix in Directory.Build.props.
let version () =
    let m = Regex.Match(read "Directory.Build.props", "<VersionPrefix>([^<]+)</VersionPrefix>")
    if not m.Success then failtest "Directory.Build.props has no <VersionPrefix>"
    m.Groups[1].Value

/// PyTorch's losses for the course's two-layer network trained with SGD(lr=0.01) (tests/data/unit05_printed.txt, cell 33).
let courseLosses = [ 1000, "0.126692"; 2000, "0.079341"; 3000, "0.071711"; 4000, "0.065949" ]

/// What PyTorch 1.13 prints for that trained network's output at x = 1 (same data, seed and steps).
let predictionLine = "Prediction at x = 1: 0.8779"

/// The fenced block of a language in the README that holds exactly this text.
let private hasBlock (language: string) (text: string) = (read "README.md").Contains("```" + language + "\n" + text + "```\n")

[<Tests>]
let tests =
    testList "Packaging.Readme" [
        testCase "the README's C# program is examples/QuickStart.CSharp/Program.cs, verbatim" <| fun () ->
            let program = read "examples/QuickStart.CSharp/Program.cs"
            Expect.stringContains program "using Fluxion.CSharp;" "the program uses the facade"
            Expect.isTrue (hasBlock "csharp" program) "README.md has a ```csharp block equal to examples/QuickStart.CSharp/Program.cs"

        testCase "the README's F# script is examples/QuickStart.fsx, verbatim" <| fun () ->
            let script = read "examples/QuickStart.fsx"
            Expect.isTrue (hasBlock "fsharp" script) "README.md has a ```fsharp block equal to examples/QuickStart.fsx"

        testCase "the README's commands name the version that dotnet pack gives the packages" <| fun () ->
            let readme = read "README.md"
            let v = version ()
            Expect.isTrue (Regex.IsMatch(v, @"^\d+\.\d+\.\d+$")) (sprintf "VersionPrefix %s is major.minor.patch" v)
            for command in [ "dotnet pack -c Release -o ~/fluxion-packages"
                             "dotnet nuget add source ~/fluxion-packages"
                             sprintf "dotnet add package Fluxion.CSharp --version %s" v ] do
                Expect.stringContains readme command "README command"
            let mentioned = Regex.Matches(readme, @"(?:--version |nuget: Fluxion, )(\d+\.\d+\.\d+)") |> Seq.map (fun m -> m.Groups[1].Value) |> Set.ofSeq
            Expect.equal mentioned (Set.singleton v) "every version the README names is the packages' version"

        testCase "dotnet fsi examples/QuickStart.fsx trains the two-layer network to PyTorch's losses" <| fun () ->
            let library = Path.Combine(repoRoot, "src", "Core.FSharp", "bin", "Release", "net10.0", "Fluxion.dll")
            if not (File.Exists library) then
                failtestf "%s is missing: the script references the Release build; run `dotnet build -c Release` first" library
            let out = dotnetOk repoRoot 5.0 [ "fsi"; "examples/QuickStart.fsx" ]
            for k, loss in courseLosses do
                Expect.stringContains out (sprintf "Iteration %4d | Loss = %s\n" k loss) (sprintf "loss at iteration %d" k)
            Expect.stringContains out predictionLine "prediction of the trained network"
    ]
