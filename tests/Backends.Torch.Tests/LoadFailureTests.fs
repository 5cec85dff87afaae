/// The clear error when libtorch cannot load, and choosing backends by name and environment.
module LoadFailureTests

open System
open System.IO
open System.Text
open System.Text.RegularExpressions
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Backends.Torch
open Fluxion.Ops

/// The highest GLIBCXX_x.y.z in a file, read with a regular expression (independent of the library's scanner).
let highestByRegex (path: string) =
    let text = Encoding.Latin1.GetString(File.ReadAllBytes path)
    Regex.Matches(text, @"GLIBCXX_(\d+)\.(\d+)\.(\d+)")
    |> Seq.map (fun m -> int m.Groups.[1].Value, int m.Groups.[2].Value, int m.Groups.[3].Value)
    |> Seq.max

let systemLib = TorchDiagnosis.libstdcxxCandidates |> Array.tryFind File.Exists

[<Tests>]
let tests =
    testList "Torch.LoadFailure" [
        testCase "on a host whose libstdc++ lacks GLIBCXX_3.4.32 the backend raises the clear exception" <| fun () ->
            match systemLib with
            | Some lib when highestByRegex lib < (3, 4, 32) ->
                let (a, b, c) = highestByRegex lib
                let found = sprintf "GLIBCXX_%d.%d.%d" a b c
                let ex = Expect.throwsC (fun () -> TorchBackend.Instance |> ignore) id
                Expect.equal (ex.GetType()) typeof<TorchBackendUnavailableException> "exception type (never TypeInitializationException)"
                let m = ex.Message
                Expect.stringContains m "needs GLIBCXX_3.4.32" "names the version needed"
                Expect.stringContains m (sprintf "highest version in the system's %s is %s" lib found) "names the highest version found"
                Expect.stringContains m "use the managed backend" "says to use the managed backend"
                Expect.stringContains m "Debian 13, Ubuntu 24.04 or later" "names distributions that work"
                // A second use reports the same reason rather than TorchSharp's type initializer error.
                let again = Expect.throwsC (fun () -> TorchBackend.ManualSeed 0L) id
                Expect.equal (again.GetType()) typeof<TorchBackendUnavailableException> "second failure type"
                Expect.equal again.Message m "second failure message"
                Expect.isFalse TorchBackend.IsAvailable "IsAvailable"
            | Some lib -> skiptestf "%s provides GLIBCXX_3.4.32 here, so libtorch loads" lib
            | None -> skiptest "no system libstdc++.so.6 found"

        testCase "selecting the unavailable Torch backend leaves the default backend unchanged" <| fun () ->
            if TorchBackend.IsAvailable then skiptest "libtorch loads here"
            let before = Creation.defaultBackend
            Expect.throwsT<TorchBackendUnavailableException> (fun () -> Backends.select BackendKind.Torch) "select Torch"
            Expect.isTrue (obj.ReferenceEquals(before, Creation.defaultBackend)) "default backend unchanged"

        testCase "the GLIBCXX scanner finds every version string and ignores other text" <| fun () ->
            let bytes = Encoding.ASCII.GetBytes "xxGLIBCXX_3.4\u0000GLIBCXX_3.4.30\u0000GLIBCXX_3.4.9\u0000GLIBCXX_TUNABLES\u0000CXXABI_1.3.15\u0000GLIBCXX_3.4.30"
            Expect.sequenceEqual (TorchDiagnosis.glibcxxVersionsOf bytes) [| (3, 4, 0); (3, 4, 9); (3, 4, 30) |] "versions"

        testCase "the scanner agrees with a regular expression on the system libstdc++" <| fun () ->
            match systemLib with
            | Some lib -> Expect.equal (TorchDiagnosis.highestGlibcxxIn lib) (Some(highestByRegex lib)) lib
            | None -> skiptest "no system libstdc++.so.6 found"

        testCase "a missing TorchSharp native library is reported as such" <| fun () ->
            let dir = Directory.CreateTempSubdirectory("fluxion-torch-").FullName
            try
                let m = TorchDiagnosis.explainWith [| dir |] (Some("/x/libstdc++.so.6", (3, 4, 33))) (NotSupportedException "boom\nsecond line")
                Expect.stringContains m "libLibTorchSharp.so of the TorchSharp package is missing" "names the missing file"
                Expect.stringContains m dir "names where it looked"
                Expect.stringContains m "NotSupportedException: boom)" "quotes the loader's first line"
                Expect.isFalse (m.Contains "second line") "only the first line of the loader's error"
            finally Directory.Delete(dir, true)

        testCase "a missing libtorch native package is reported by its package name" <| fun () ->
            let dir = Directory.CreateTempSubdirectory("fluxion-torch-").FullName
            try
                File.WriteAllBytes(Path.Combine(dir, "libLibTorchSharp.so"), Encoding.ASCII.GetBytes "GLIBCXX_3.4.32")
                let m = TorchDiagnosis.explainWith [| dir |] (Some("/x/libstdc++.so.6", (3, 4, 33))) (DllNotFoundException "libtorch_cpu.so")
                Expect.stringContains m "native package libtorch-cpu-linux-x64 (libtorch_cpu.so) is missing" "names the package"
                Expect.stringContains m "use the managed backend" "says what to do"
            finally Directory.Delete(dir, true)

        testCase "an old libstdc++ is reported with the needed and the found version" <| fun () ->
            let dir = Directory.CreateTempSubdirectory("fluxion-torch-").FullName
            try
                File.WriteAllBytes(Path.Combine(dir, "libLibTorchSharp.so"), Encoding.ASCII.GetBytes "GLIBCXX_3.4.21 GLIBCXX_3.4.32")
                File.WriteAllBytes(Path.Combine(dir, "libtorch_cpu.so"), [| 0uy |])
                let m = TorchDiagnosis.explainWith [| dir |] (Some("/usr/lib/libstdc++.so.6", (3, 4, 28))) (exn "load failed")
                Expect.stringContains m "needs GLIBCXX_3.4.32 (GCC 13's libstdc++), but the highest version in the system's /usr/lib/libstdc++.so.6 is GLIBCXX_3.4.28" "versions"
            finally Directory.Delete(dir, true)

        testCase "FLUXION_BACKEND=managed selects the managed backend and unknown names are rejected" <| fun () ->
            let saved = Environment.GetEnvironmentVariable Backends.EnvironmentVariable
            let savedBackend = Creation.defaultBackend
            try
                Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, " Managed ")
                Expect.equal (Backends.fromEnvironment ()) BackendKind.Managed "kind"
                Expect.equal Creation.defaultBackend.Name "managed" "default backend"
                Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, "cuda")
                let ex = Expect.throwsC (fun () -> Backends.fromEnvironment () |> ignore) id
                Expect.isTrue (ex :? ArgumentException) "ArgumentException"
                Expect.stringContains ex.Message "FLUXION_BACKEND=\"cuda\" is not a backend" "names the value"
                Expect.equal (Backends.parse "TORCH") BackendKind.Torch "parse is case-insensitive"
            finally
                Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, saved)
                Creation.defaultBackend <- savedBackend
    ]
