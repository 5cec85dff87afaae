/// Runs the backend-independent suites of Core.Tests (linked source files) on the Torch backend.
module OnTorch

open Expecto
open Fluxion.Backends.Torch
open TorchTestUtil

/// Wraps a body so that it runs with Torch as the default backend (managed restored after), only where libtorch loads.
let private onTorchBody (body: unit -> unit) () =
    requireTorch ()
    withBackend BackendKind.Torch body

/// The same test tree with every case running on the Torch backend.
let rec onTorch (t: Test) : Test =
    match t with
    | TestCase (Sync f, state) -> TestCase(Sync(onTorchBody f), state)
    | TestCase (SyncWithCancel f, state) -> TestCase(SyncWithCancel(fun ct -> onTorchBody (fun () -> f ct) ()), state)
    | TestCase (_, _) -> failwith "OnTorch.onTorch: only synchronous test cases can be moved onto the torch backend"
    | TestList (ts, state) -> TestList(List.map onTorch ts, state)
    | TestLabel (label, inner, state) -> TestLabel(label, onTorch inner, state)
    | Test.Sequenced (m, inner) -> Test.Sequenced(m, onTorch inner)

/// The cases of a tree whose full name (labels joined by "/") contains one of `parts`.
let only (parts: string list) (t: Test) : Test =
    t |> Test.filter "/" (fun path -> let name = String.concat "/" path in parts |> List.exists (fun p -> name.Contains p))
