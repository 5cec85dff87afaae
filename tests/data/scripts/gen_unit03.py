# Golden printout of PCPT unit 3 (tensors): every code cell and exercise of the course, in order, run with
# Debian's PyTorch 1.13 (/usr/bin/python3). Usage: /usr/bin/python3 gen_unit03.py OUT (writes OUT, e.g.
# tests/data/unit03_printed.txt). Plotting calls are left out (exercise 3's figure is drawn by the C# program).
# Differences from the course's stored output (made with a newer PyTorch):
# - cell 56: torch 1.13 has no Tensor.untyped_storage(); its equivalent x.storage().untyped() is used.
import sys
import numpy as np
import torch

out = open(sys.argv[1], "w", encoding="utf-8", newline="\n")
sys.stdout = out

# cell 6
x = [1, 2, 3, 4]
print(f"Python list: x = {x}, type = {type(x)}")
x_torch = torch.tensor(x)
print(f"PyTorch tensor: x_torch = {x_torch}, type = {type(x_torch)}")

# cell 8
x_np = np.array([1, 2, 3, 4])
print(f"x_np = {x_np}, type = {type(x_np)}")
x_torch = torch.from_numpy(x_np)
print(f"x_torch = {x_torch}, type = {type(x_torch)}")
x_torch[0] = 10
x_np[1] = 20
print(f"x_np = {x_np}")
print(f"x_torch = {x_torch}")

# cell 10
torch.manual_seed(42)
shape = (3,)
print(f"Zeros Tensor: {torch.zeros(shape)}")
print(f"Ones Tensor (float): {torch.ones(shape)}")
print(f"Ones Tensor (int): {torch.ones(shape, dtype=int)}")
print(f"Random Tensor: {torch.rand(shape)}")
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(f"Ones Tensor:\n{torch.ones_like(x)}")
torch.set_printoptions(precision=2)
print(f"Random Tensor (float, 2 decimals):\n{torch.rand_like(x, dtype=torch.float)}")
torch.set_printoptions(precision=4)

# cell 12
x = torch.ones(3, 4, 5)
print("Tensor shape:", x.shape)
print("Tensor size:", x.size())
print("Size in 2nd dimension:", x.size(1))
print("Number of dimensions:", x.dim())
print("Data type:", x.dtype)
print("Device:", x.device)
print()
y = x[0, 0, 0]
print("Single element tensor:", y)
print("PyTorch data type:", y.dtype)
print("As Python number:", y.item())
print("Python data type:", type(y.item()))

# cell 15
x_np = np.ones((3, 4, 5))
print("x_np.size: ", x_np.size)
x_torch = torch.ones((3, 4, 5))
print("x_torch.size():", x_torch.size())
print("x_torch.numel():", x_torch.numel())

# cell 17
x1 = torch.tensor(2)
print("x1 =", x1)
print("x1.shape:", x1.shape)
print("x1.item():", x1.item())
print()
x2 = torch.tensor([2])
print("x2 =", x2)
print("x2.shape:", x2.shape)
print("x2.tolist():", x2.tolist())
print()
x3 = torch.tensor((2,))
print("x3 =", x3)
print("x3.shape:", x3.shape)
print("x3.tolist():", x3.tolist())

# cell 19
print("Data type:", torch.tensor([1, 2, 3]).dtype)
print("Data type:", torch.tensor([1, 2, 3], dtype=torch.float).dtype)
print("Data type:", torch.tensor([1, 2, 3], dtype=torch.int32).dtype)
print("Data type:", torch.tensor([1., 2, 3]).dtype)
print("Data type:", torch.ones(1, 2).dtype)

# cell 21
x = torch.tensor([1.234, 2.1, 3.3])
print("x  =", x)
print("Data type of x:", x.dtype)
y1 = x.type(torch.int32)
print("\ny1 =", y1)
print("Data type of y1:", y1.dtype)
y2 = x.to(torch.int32)
print("\ny2 =", y2)
print("Data type of y2:", y2.dtype)

# cell 24
x_np = np.array([1., 2., 3.])
x_torch = torch.from_numpy(x_np)
print("Data type for x_np:", x_np.dtype)
print("Data type for x_torch:", x_torch.dtype)
y_torch = torch.tensor([1., 2., 3.])
y_np = y_torch.numpy()
print("\nData type for y_torch:", y_torch.dtype)
print("Data type for y_np:", y_np.dtype)
a_torch = torch.from_numpy(x_np).to(dtype=torch.float32)
print("\nData type for a_torch:", a_torch.dtype)
a_torch[2] = 5
print("Modified tensor a_torch =", a_torch)
print("Original array x_np =", x_np)
b_torch = torch.from_numpy(x_np).to(dtype=torch.float64)
print("\nData type for b_torch:", b_torch.dtype)
b_torch[2] = 5
print("Modified tensor b_torch =", b_torch)
print("Original array x_np =", x_np)

# cell 26
x = torch.tensor([1, 2, 3])
print(f"Original tensor: device = {x.device}, dtype = {x.dtype}")
device = "cuda" if torch.cuda.is_available() else "cpu"
z = x.to(dtype=torch.float64, device=device)
print(f"Converted tensor: device = {z.device}, dtype = {z.dtype}")

# cell 30
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("Tensor x:\n", x)
print("Shape of x:", x.shape)
print("\nFirst row:", x[0])
print("Shape:", x[0].shape)
print("\nLast column:", x[:, -1])
print("Shape:", x[:, -1].shape)
print("\nElement x[0, 0]:", x[0, 0])
print("Shape:", x[0, 0].shape)

# cell 32
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("Tensor x:\n", x)
print("Shape of x:", x.shape)
chunk_size = 1
y_rows = x.split(chunk_size, dim=0)
print("\nSplit along dim=0 (rows):")
print("First chunk:\n", y_rows[0])
print("Shape of first chunk:", y_rows[0].shape)
y_cols = x.split(chunk_size, dim=1)
print("\nSplit along dim=1 (columns):")
print("First chunk:\n", y_cols[0])
print("Shape of first chunk:", y_cols[0].shape)

# cell 34
x = torch.tensor([[1, 2], [3, 4], [5, 6]])
print("Original tensor x:\n", x)
y = x.view(2, 3)
z = x.reshape(2, 3)
print("\nAfter reshaping:")
print("y:", y)
print("z:", z)
x[1, 0] = 30
print("\nAfter modifying x[1, 0] = 30:")
print("y:", y)
print("z:", z)

# cell 36
x = torch.zeros([2, 1, 1, 4])
print("Shape of x:", x.shape)
y = x.squeeze()
print("Shape of y:", y.shape)
z = y.unsqueeze(0)
print("Shape of z:", z.shape)
z2 = y[None, :, :, None]
print("Shape of z2:", z2.shape)
x[0, 0, 0, 0] = 1
print("Tensor z after modifying x:\n", z)

# cell 38
x = torch.tensor([[1, 2],
                  [3, 4],
                  [5, 6]])
print("Original tensor x:\n", x)
y1 = x.transpose(0, 1)
print("\nTranspose using transpose(0, 1):\n", y1)
y2 = x.T
print("\nTranspose using .T:\n", y2)

# cell 40
x = torch.zeros(2, 3, 4, 5)
print("Original shape of x:", x.shape)
y = x.permute(2, 3, 1, 0)
print("Permuted shape of y:", y.shape)

# cell 42
x1 = torch.tensor([[1, 2, 3, 4],
                   [5, 6, 7, 8]])
x2 = torch.tensor([[9, 10, 11, 12]])
print("Tensor x1:\n", x1)
print("Tensor x2:\n", x2)
y_rows = torch.cat([x1, x2], dim=0)
print("\nConcatenation along rows (dim=0):\n", y_rows)
print("Shape:", y_rows.shape)
x2_reshaped = x2.reshape(2, 2)
y_cols = torch.cat([x1, x2_reshaped], dim=1)
print("\nConcatenation along columns (dim=1):\n", y_cols)
print("Shape:", y_cols.shape)

# cell 44
x1 = torch.tensor([1, 2, 3])
x2 = torch.tensor([4, 5, 6])
y0 = torch.stack([x1, x2], dim=0)
print("Stacking along new dim=0:\n", y0)
print("Shape:", y0.shape)
y1 = torch.stack([x1, x2], dim=1)
print("Stacking along new dim=1:\n", y1)
print("Shape:", y1.shape)

# cell 46
x = torch.tensor([[0, 1, 2]], dtype=torch.float32)
y = torch.ones((1, 3), dtype=torch.float32) * 2
print("Tensor x:", x)
print("Tensor y:", y)
print("\nAddition:", x + y)
print("Addition (torch.add):", torch.add(x, y))
print("Multiplication:", x * y)
print("Multiplication (torch.mul):", torch.mul(x, y))
print("Division:", x / y)
print("Exponentiation (torch.exp):", torch.exp(x))
print("Logarithm (torch.log):", torch.log(x))
print("Comparison x < y:", x < y)
print("Comparison x == y:", x == y)

# cell 48
x = torch.ones((1, 3), dtype=torch.float32)
y = torch.tensor([[1, 2],
                  [3, 4],
                  [5, 6]], dtype=torch.float32)
print("Matrix product using torch.mm:", torch.mm(x, y))
print("Matrix product using torch.matmul:", torch.matmul(x, y))
print("Matrix product using @ operator:", x @ y)
print("Matrix product using torch.einsum:", torch.einsum("ij,jk->ik", x, y))

# cell 50
x = torch.tensor([[2, 1],
                  [1, 2]], dtype=torch.float32)
print("Determinant:", torch.det(x))
print("Inverse:\n", torch.inverse(x))
eigvals, eigvecs = torch.linalg.eig(x)
eigvals = eigvals.real
eigvecs = eigvecs.real
print("Eigenvalues:", eigvals)
print("Eigenvectors (columns):\n", eigvecs)
v1 = eigvecs[:, 0]
lambda1 = eigvals[0]
print("\nVerification for first eigenpair:")
print("x @ v1 =", x @ v1)
print("lambda1 * v1 =", lambda1 * v1)

# cell 53
x = torch.tensor([[1, 2, 3],
                  [6, 5, 4]], dtype=torch.float)
print("Global mean:", x.mean())
print("Standard deviation:", x.std())
print("Global sum:", x.sum())
print("Column-wise mean:", x.mean(0))
print("Column-wise standard deviation:", x.std(0))
print("Row-wise max:", x.max(1)[0])
print("Row-wise argmax:", x.max(1)[1])
print("Row-wise argmax (alternative):", x.argmax(1))

# cell 56 (torch 1.13: x.storage().untyped() instead of x.untyped_storage())
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(f"x.shape: {x.shape}")
print(f"x.storage_offset = {x.storage_offset()}")
print(f"x.stride = {x.stride()}")
print(f"Storage:\n{np.frombuffer(bytes(x.storage().untyped()), dtype=np.int64)}")

# cell 59
x = torch.tensor([[1, 2], [3, 4], [5, 6]])
s = x.view(6)
s[1] = 20
y = x.T
print(f"Transposed tensor:\n {y}")
print(f"Same address of first element: {x.data_ptr() == y.data_ptr()}")

# cell 61
x = torch.tensor([[1, 2], [3, 4], [5, 6]])
y = x.T
z = y.contiguous()
print("x.stride:", x.stride())
print("Contiguous x:", x.is_contiguous())
print("y.stride:", y.stride())
print("Contiguous y:", y.is_contiguous())
print("z.stride:", z.stride())
print("Contiguous z:", z.is_contiguous())
x[0, 1] = 20
print("y:\n", y)
print("z:\n", z)
print("Same address for y and z:", y.data_ptr() == z.data_ptr())

# cell 63
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
y = x.view(6)
z = x.view(6).clone()
print(f"Same address for x and y: {x.data_ptr() == y.data_ptr()}")
print(f"Same address for x and z: {x.data_ptr() == z.data_ptr()}")

# cell 66: exercise 1 (libpcpt.unit03.exercise_image_tensor)
torch.manual_seed(42)
img_int = torch.randint(low=0, high=256, size=(8, 8), dtype=torch.int32)
print("=== Original Integer Tensor ===")
print(img_int)
print("\n--- Tensor Attributes ---")
print(f"Shape: {img_int.shape}")
print(f"Dtype: {img_int.dtype}")
print(f"Device: {img_int.device}")
print(f"Total number of elements: {img_int.numel()}")
img_float = img_int.to(dtype=torch.float32) / 255.0
print("\n=== Normalized Float Tensor ===")
print(img_float)
print("\n--- Normalized Tensor Statistics ---")
print(f"Dtype: {img_float.dtype}")
print(f"Mean pixel value: {img_float.mean():.4f}")
print(f"Standard deviation: {img_float.std():.4f}")

# cell 69: exercise 2 (libpcpt.unit03.exercise_tensor_properties)
x = torch.zeros((2, 1, 1, 3))
print(f"Original tensor x:\n{x}")
print(f"Shape: {x.shape}, Dimensions: {x.dim()}, Total elements: {x.numel()}")
y = x.squeeze()
print(f"After squeeze(): shape = {y.shape}")
z1 = y.unsqueeze(1)
print(f"After unsqueeze(1): shape = {z1.shape}")
z2 = y[:, None, None, :]
print(f"Using indexing with None: shape = {z2.shape}")
x_flat = x.view(-1)
print(f"Flattened tensor shape: {x_flat.shape}")
z = x_flat.view(3, 2)
print(f"Reshaped x to (3, 2) to obtain z: z.shape = {z.shape}")
x[0, 0, 0, 0] = 1
print(f"Tensor z after modifying x[0,0,0,0] = 1:\n{z}")

# cell 72: exercise 3 (libpcpt.unit03.exercise_eigen_pca; the figure is not drawn here)
N = 200
torch.manual_seed(42)
M = torch.tensor([[2.0, -1.0],
                  [1.0, 0.5]])
x_raw = torch.randn(N, 2)
x = x_raw @ M.T
x_mean = x.mean(dim=0, keepdim=True)
x_centered = x - x_mean
print(f"Mean after centering (should be close to 0):\n{x_centered.mean(dim=0)}\n")
C = x_centered.T @ x_centered / (N - 1)
eigvals, eigvecs = torch.linalg.eigh(C)
eigvals = eigvals.real
eigvecs = eigvecs.real
print("Covariance matrix C:")
print(C.round(decimals=4), "\n")
print("Eigenvalues (variances along principal directions):")
print(eigvals.round(decimals=4), "\n")
print("Eigenvectors (columns = principal directions):")
print(eigvecs.round(decimals=4), "\n")

out.close()
