/// Shared helpers and the course's models for the Nn tests.
module Nn.NnTestUtil

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn

let f32OfHex (h: string) = BitConverter.UInt32BitsToSingle(Convert.ToUInt32(h, 16))
let hexesOf (e: JsonElement) = [| for h in e.GetProperty("hex").EnumerateArray() -> f32OfHex (h.GetString()) |]
let shapeOf (e: JsonElement) = [| for d in e.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
let tensorOf (e: JsonElement) = Tensor.ofArray (shapeOf e) (hexesOf e)
let nn = lazy (TestData.json "nn_torch.json")

/// Bitwise float32 equality with a helpful message.
let bitsEqual (actual: float32[]) (expected: float32[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        if BitConverter.SingleToUInt32Bits actual.[i] <> BitConverter.SingleToUInt32Bits expected.[i] then
            failtestf "%s: element %d is %.9g (0x%08x), expected %.9g (0x%08x)" what i actual.[i]
                (BitConverter.SingleToUInt32Bits actual.[i]) expected.[i] (BitConverter.SingleToUInt32Bits expected.[i])

/// Closeness within an absolute + relative tolerance.
let close (tol: float) (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal actual.Length expected.Length (what + ": length")
    for i in 0 .. actual.Length - 1 do
        if abs (actual.[i] - expected.[i]) > tol * (1.0 + abs expected.[i]) then
            failtestf "%s: element %d is %.9g, expected %.9g" what i actual.[i] expected.[i]

/// The course's NeuralNetLinear: one Linear(2, 1) in a field converted to `linear_model`.
type NeuralNetLinear() =
    inherit Module()
    let linearModel = Linear(2, 1)
    override _.Forward x = linearModel.Call x

/// The course's NeuralNetTwoLayer with F# let fields.
type NeuralNetTwoLayer() =
    inherit Module()
    let linear1 = Linear(1, 3)
    let activation = ReLU()
    let linear2 = Linear(3, 1)
    override _.Forward x = x |> linear1.Call |> activation.Call |> linear2.Call

/// The same network with `member val` properties and explicit names.
type TwoLayerProps() =
    inherit Module()
    [<ModuleName("linear1")>]
    member val First = Linear(1, 3)
    [<ModuleName("relu")>]
    member val Act = ReLU()
    member val Linear2 = Linear(3, 1)
    override _.ClassName = "NeuralNetTwoLayer"
    override this.Forward x = x |> this.First.Call |> this.Act.Call |> this.Linear2.Call

/// The course's NeuralNet: one Linear applied twice; its forward returns the global training targets `y`.
type NeuralNet(y: Tensor) as this =
    inherit Module()
    let lin = Linear(1, 1)
    do this.RegisterModule("linear_model", lin)
    override _.Forward x =
        let h = lin.Call(lin.Call x)
        ignore h
        y

/// Exercise 2's four-layer network.
type NeuralNetFourLayer(h: int, act: unit -> Module) =
    inherit Module()
    let l1 = Linear(1, h)
    let a1 = act ()
    let l2 = Linear(h, h)
    let a2 = act ()
    let l3 = Linear(h, h)
    let a3 = act ()
    let l4 = Linear(h, 1)
    override _.Forward x = x |> l1.Call |> a1.Call |> l2.Call |> a2.Call |> l3.Call |> a3.Call |> l4.Call

/// torchinfo.json's Rec: the same Linear twice.
type Rec() =
    inherit Module()
    let lin = Linear(4, 4)
    let act = Tanh()
    let out = Linear(4, 2)
    override _.Forward x = x |> lin.Call |> act.Call |> lin.Call |> act.Call |> out.Call

/// torchinfo.json's Deep: nested Sequentials with Conv1d, then a Linear on the flattened features.
type Deep() =
    inherit Module()
    let features = Sequential(Conv1d(1, 4, 3), ReLU(), Sequential(Conv1d(4, 8, 3), ReLU()))
    let fc = Linear(48, 10)
    override _.Forward x =
        let h = features.Call x
        fc.Call(h.Reshape [| h.Shape.[0]; -1 |])

/// A module without Forward.
type NoForward() =
    inherit Module()
    let lin = Linear(1, 1)
    member _.Lin = lin

/// A badly wired two-layer network (3 features into a Linear expecting 2).
type Miswired() =
    inherit Module()
    let linear1 = Linear(1, 3)
    let activation = ReLU()
    let linear2 = Linear(2, 1)
    override _.Forward x = x |> linear1.Call |> activation.Call |> linear2.Call
