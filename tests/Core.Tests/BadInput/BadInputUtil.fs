/// Assertions for the bad-input catalogue: the exact exception type, the parameter name and message fragments.
module BadInputUtil

open System
open Expecto
open Fluxion

/// Runs `f`, expects an exception of exactly type 'E (not a subtype) whose message holds every fragment.
let raises<'E, 'a when 'E :> exn> (f: unit -> 'a) (fragments: string list) : 'E =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    if e.GetType() <> typeof<'E> then
        failtestf "expected %s, got %s: %s" typeof<'E>.Name (e.GetType().Name) e.Message
    for s in fragments do Expect.stringContains e.Message s (sprintf "message fragment %A" s)
    e :?> 'E

/// As `raises`, and the ArgumentException names the offending parameter.
let raisesParam<'E, 'a when 'E :> ArgumentException> (param: string) (f: unit -> 'a) (fragments: string list) =
    let e = raises<'E, 'a> f fragments
    Expect.equal e.ParamName param "ParamName"

/// An ArgumentNullException naming `param`, with a message naming the op.
let raisesNull (param: string) (op: string) (f: unit -> 'a) = raisesParam<ArgumentNullException, 'a> param f [ op ]

/// A float32 tensor of zeros.
let z (shape: int[]) = Tensor.zeros shape

/// An int64 tensor.
let i64 (shape: int[]) (data: int64[]) = Ops.Creation.ofInt64 shape data

/// The null tensor a careless caller might pass.
let nullT = Unchecked.defaultof<Tensor>

/// A float64 tensor from flat data.
let t64 (shape: int[]) (data: float[]) = Tensor.ofArray64 shape data
