/// `dotnet pack` at the root and a fresh app outside the repository that uses the packages as a user would.
module PackageTests

open System
open System.IO
open System.IO.Compression
open System.Xml.Linq
open Expecto
open Processes

let private packageIds = [ "Fluxion"; "Fluxion.CSharp"; "Fluxion.Plot"; "Fluxion.Torch"; "Fluxion.Interactive" ]

/// The pack folder, made once per run by `dotnet pack <solution> -c <configuration> --no-build -o <folder>`
/// (the build that ran the tests made the outputs); deleted when the test process ends.
let private packFolder =
    lazy (
        let dir = Path.Combine(Path.GetTempPath(), "fluxion-pack-" + Guid.NewGuid().ToString("N").Substring(0, 12))
        AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
        dotnetOk repoRoot 5.0 [ "pack"; "Fluxion.sln"; "-c"; configuration; "--no-build"; "-o"; dir; "-nologo"; "-nodeReuse:false" ] |> ignore
        dir)

/// The nuspec inside a package: id, version, dependencies (id, version) and the metadata elements by name.
type private Nuspec = { Id: string; Version: string; Dependencies: Map<string, string>; Meta: Map<string, XElement>; Files: string list }

let private nuspec (nupkg: string) : Nuspec =
    use zip = ZipFile.OpenRead nupkg
    let entry = zip.Entries |> Seq.find (fun e -> e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && not (e.FullName.Contains "/"))
    use s = entry.Open()
    let doc = XDocument.Load s
    let metadata = doc.Root.Elements() |> Seq.find (fun e -> e.Name.LocalName = "metadata")
    let meta = metadata.Elements() |> Seq.map (fun e -> e.Name.LocalName, e) |> Map.ofSeq
    let deps =
        metadata.Descendants()
        |> Seq.filter (fun e -> e.Name.LocalName = "dependency")
        |> Seq.map (fun e -> e.Attribute(XName.Get "id").Value, e.Attribute(XName.Get "version").Value)
        |> Map.ofSeq
    { Id = meta["id"].Value; Version = meta["version"].Value; Dependencies = deps; Meta = meta
      Files = [ for e in zip.Entries -> e.FullName ] }

let private package (id: string) = nuspec (Path.Combine(packFolder.Value, sprintf "%s.%s.nupkg" id (ReadmeTests.version ())))

/// Assembly names that only the plotting stack brings in; an app that references Fluxion.CSharp must not get them.
let private plottingAssemblies = [ "Plotly"; "Giraffe"; "Fable"; "Newtonsoft"; "DynamicObj" ]

/// The machine's NuGet package cache minus every Fluxion package, as symbolic links: the fresh app restores its
/// other packages from the cache (offline, too) but can take Fluxion only from the pack folder, never from an
/// older package of the same version left in the cache.
let private cacheWithoutFluxion (target: string) =
    let listed = dotnetOk (Path.GetTempPath()) 2.0 [ "nuget"; "locals"; "global-packages"; "--list" ]
    let cache = listed.Trim().Substring(listed.IndexOf(':') + 1).Trim()
    Directory.CreateDirectory target |> ignore
    if Directory.Exists cache then
        for d in Directory.GetDirectories cache do
            let name = Path.GetFileName d
            if not (name.StartsWith("fluxion", StringComparison.OrdinalIgnoreCase)) then
                Directory.CreateSymbolicLink(Path.Combine(target, name), d) |> ignore

[<Tests>]
let tests =
    testList "Packaging.Pack" [
        testCase "dotnet pack at the root makes exactly Fluxion, Fluxion.CSharp, Fluxion.Plot, Fluxion.Torch and Fluxion.Interactive, each with a symbol package" <| fun () ->
            let v = ReadmeTests.version ()
            let files = Directory.GetFiles packFolder.Value |> Array.map Path.GetFileName |> Array.sort |> List.ofArray
            let expected = [ for id in packageIds do yield sprintf "%s.%s.nupkg" id v; yield sprintf "%s.%s.snupkg" id v ] |> List.sort
            Expect.equal files expected "the pack folder holds the five packages and their symbol packages, nothing else"
            for id in packageIds do
                use symbols = ZipFile.OpenRead(Path.Combine(packFolder.Value, sprintf "%s.%s.snupkg" id v))
                Expect.exists symbols.Entries (fun e -> e.FullName.StartsWith("lib/net10.0/", StringComparison.Ordinal) && e.FullName.EndsWith(".pdb", StringComparison.Ordinal))
                    (id + ".snupkg holds the portable PDB")

        testCase "every package has its id, version, licence, readme, description and XML docs" <| fun () ->
            let v = ReadmeTests.version ()
            let assemblies = Map [ "Fluxion", "Fluxion"; "Fluxion.CSharp", "Fluxion.CSharp"; "Fluxion.Plot", "Fluxion.Plot"; "Fluxion.Torch", "Fluxion.Backends.Torch"; "Fluxion.Interactive", "Fluxion.Interactive" ]
            let descriptions = [ for id in packageIds -> (package id).Meta["description"].Value ]
            Expect.equal (List.distinct descriptions).Length 5 "each package describes itself"
            for id in packageIds do
                let p = package id
                Expect.equal (p.Id, p.Version) (id, v) "id and version"
                Expect.equal (p.Meta["license"].Value, p.Meta["license"].Attribute(XName.Get "type").Value) ("MIT", "expression") (id + ": licence expression")
                Expect.equal p.Meta["readme"].Value "README.md" (id + ": readme")
                Expect.contains p.Files "README.md" (id + ": README.md is packed")
                Expect.isGreaterThan p.Meta["description"].Value.Length 40 (id + ": description")
                Expect.stringContains p.Meta["tags"].Value "autodiff" (id + ": tags")
                for ext in [ ".dll"; ".xml" ] do
                    Expect.contains p.Files ("lib/net10.0/" + assemblies[id] + ext) (id + ": assembly and its XML docs")

        testCase "the packages depend on each other by the same version, and only Fluxion.Plot brings Plotly.NET" <| fun () ->
            let v = ReadmeTests.version ()
            let deps id = (package id).Dependencies
            let core = deps "Fluxion"
            Expect.containsAll core.Keys [ "FSharp.Core"; "System.Numerics.Tensors" ] "Fluxion's dependencies"
            for forbidden in [ "Plotly.NET"; "TorchSharp"; "libtorch-cpu-linux-x64"; "Fluxion.CSharp"; "Fluxion.Plot"; "Fluxion.Torch" ] do
                Expect.isFalse (core.ContainsKey forbidden) ("Fluxion does not depend on " + forbidden)
            for id, needs in [ "Fluxion.CSharp", []; "Fluxion.Plot", [ "Plotly.NET" ]; "Fluxion.Torch", [ "TorchSharp"; "libtorch-cpu-linux-x64" ] ] do
                let d = deps id
                Expect.equal (d.TryFind "Fluxion") (Some v) (id + " depends on Fluxion of the same version")
                Expect.containsAll d.Keys needs (id + "'s own dependencies")
            for id in [ "Fluxion.CSharp"; "Fluxion.Torch" ] do
                Expect.isFalse ((deps id).ContainsKey "Plotly.NET") (id + " does not depend on Plotly.NET")
            let interactive = deps "Fluxion.Interactive"
            Expect.containsAll interactive.Keys [ "Fluxion.CSharp"; "Fluxion.Plot" ] "Fluxion.Interactive's dependencies"
            Expect.isFalse (interactive.ContainsKey "Microsoft.DotNet.Interactive") "the kernel supplies its own API: no dependency on it"
            Expect.contains (package "Fluxion.Interactive").Files "interactive-extensions/dotnet/Fluxion.Interactive.dll"
                "the kernel finds the extension in the package and registers the formatters at #r"

        testCase "a fresh console app outside the repository builds against Fluxion.CSharp from the pack folder, trains, and has no plotting assembly" <| fun () ->
            let v = ReadmeTests.version ()
            withTempDir "fluxion-consumer" (fun root ->
                let app = Path.Combine(root, "QuickStartApp")
                dotnetOk root 3.0 [ "new"; "console"; "-o"; app; "--no-restore"; "--no-update-check" ] |> ignore
                // The machine's own sources stay in force (no <clear/>); only the pack folder and a private package folder are added.
                cacheWithoutFluxion (Path.Combine(root, "cache"))
                File.WriteAllText(Path.Combine(app, "nuget.config"),
                                  "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources />\n"
                                  + sprintf "  <config>\n    <add key=\"globalPackagesFolder\" value=\"%s\" />\n  </config>\n" (Path.Combine(root, "packages"))
                                  + sprintf "  <fallbackPackageFolders>\n    <add key=\"cache\" value=\"%s\" />\n  </fallbackPackageFolders>\n</configuration>\n" (Path.Combine(root, "cache")))
                dotnetOk app 1.0 [ "nuget"; "add"; "source"; packFolder.Value; "--name"; "fluxion-local"; "--configfile"; "nuget.config" ] |> ignore
                dotnetOk app 2.0 [ "add"; "package"; "Fluxion.CSharp"; "--version"; v; "--no-restore" ] |> ignore
                File.Copy(Path.Combine(repoRoot, "examples", "QuickStart.CSharp", "Program.cs"), Path.Combine(app, "Program.cs"), true)
                // One build; a source that cannot be reached (offline) is skipped, the cache and the pack folder suffice.
                dotnetOk app 5.0 [ "build"; "-c"; "Release"; "-nologo"; "-nodeReuse:false"; "-p:RestoreIgnoreFailedSources=true"; "-p:UseSharedCompilation=false" ] |> ignore
                let bin = Path.Combine(app, "bin", "Release", "net10.0")
                let out = dotnetOk app 2.0 [ Path.Combine(bin, "QuickStartApp.dll") ]
                for k, loss in ReadmeTests.courseLosses do
                    Expect.stringContains out (sprintf "Iteration %4d | Loss = %s\n" k loss) (sprintf "Module training: loss at iteration %d" k)
                    Expect.stringContains out (sprintf "Iteration %4d | Loss = %s (pure)\n" k loss) (sprintf "pure training: loss at iteration %d" k)
                Expect.stringContains out ReadmeTests.predictionLine "prediction of the trained network"
                let assemblies = Directory.GetFiles(bin, "*.dll") |> Array.map Path.GetFileName |> Set.ofArray
                Expect.containsAll assemblies [ "Fluxion.dll"; "Fluxion.CSharp.dll"; "FSharp.Core.dll" ] "the app carries the packages' assemblies"
                let plotting = assemblies |> Set.filter (fun a -> plottingAssemblies |> List.exists (fun p -> a.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                Expect.isEmpty plotting "no plotting assembly in an app that only trains"
                let restored = Directory.GetDirectories(Path.Combine(root, "packages")) |> Array.map Path.GetFileName |> Set.ofArray
                Expect.containsAll restored [ "fluxion"; "fluxion.csharp" ] "Fluxion came from the pack folder, not from an older copy in the machine's cache")
    ]
