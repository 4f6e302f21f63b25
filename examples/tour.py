"""A tour of tensors and autograd, written as ordinary PyTorch code.

It follows the PyTorch tutorial "Introduction to PyTorch Tensors" section by section.
Run it under real PyTorch (`python examples/tour.py`) or under numtorch, unchanged
(`python -m numtorch examples/tour.py`).
"""

import math

import numpy as np
import torch


def section(title):
    print()
    print("=" * 8, title, "=" * 8)


# --------------------------------------------------------------------------------------
section("Creating tensors")
x = torch.empty(3, 4)  # memory is not initialised: print the shape, not the values
print(type(x))
print(x.shape)

zeros = torch.zeros(2, 3)
print(zeros)

ones = torch.ones(2, 3)
print(ones)

# --------------------------------------------------------------------------------------
section("Random tensors and seeding")
torch.manual_seed(1729)
random1 = torch.rand(2, 3)
print(random1)

random2 = torch.rand(2, 3)
print(random2)

torch.manual_seed(1729)
random3 = torch.rand(2, 3)
print(random3)  # same values as random1

random4 = torch.rand(2, 3)
print(random4)  # same values as random2

print(torch.equal(random1, random3), torch.equal(random2, random4))

# --------------------------------------------------------------------------------------
section("Tensor shapes and *_like")
x = torch.empty(2, 2, 3)
print(x.shape)

empty_like_x = torch.empty_like(x)
print(empty_like_x.shape)

zeros_like_x = torch.zeros_like(x)
print(zeros_like_x.shape)
print(zeros_like_x)

ones_like_x = torch.ones_like(x)
print(ones_like_x.shape)
print(ones_like_x)

rand_like_x = torch.rand_like(x)
print(rand_like_x.shape)
print(rand_like_x)

some_constants = torch.tensor([[3.1415926, 2.71828], [1.61803, 0.0072897]])
print(some_constants)

some_integers = torch.tensor((2, 3, 5, 7, 11, 13, 17, 19))
print(some_integers)

more_integers = torch.tensor(((2, 4, 6), [3, 6, 9]))
print(more_integers)

# --------------------------------------------------------------------------------------
section("Data types")
a = torch.ones((2, 3), dtype=torch.int16)
print(a)

b = torch.rand((2, 3), dtype=torch.float64) * 20.
print(b)

c = b.to(torch.int32)
print(c)
print(a.dtype, b.dtype, c.dtype)

# --------------------------------------------------------------------------------------
section("Math and logic, broadcasting")
ones = torch.zeros(2, 2) + 1
twos = torch.ones(2, 2) * 2
threes = (torch.ones(2, 2) * 7 - 1) / 2
fours = twos ** 2
sqrt2s = twos ** 0.5
print(ones)
print(twos)
print(threes)
print(fours)
print(sqrt2s)

powers2 = twos ** torch.tensor([[1, 2], [3, 4]])
print(powers2)

fives = ones + fours
print(fives)

dozens = threes * fours
print(dozens)

try:
    torch.rand(2, 3) * torch.rand(3, 2)  # shapes do not match: this fails on purpose
except RuntimeError as e:
    print(type(e).__name__)

rand = torch.rand(2, 4)
doubled = rand * (torch.ones(1, 4) * 2)
print(rand)
print(doubled)

a = torch.ones(4, 3, 2)
b = a * torch.rand(3, 2)  # 3rd & 2nd dims identical to a, dim 1 absent
print(b)
c = a * torch.rand(3, 1)  # 3rd dim = 1, 2nd dim identical to a
print(c)
d = a * torch.rand(1, 2)  # 3rd dim identical to a, 2nd dim = 1
print(d)

try:
    a * torch.rand(4, 3)  # dimensions must match last-to-first
except RuntimeError as e:
    print(type(e).__name__)

# --------------------------------------------------------------------------------------
section("More math")
a = torch.rand(2, 4) * 2 - 1
print('Common functions:')
print(torch.abs(a))
print(torch.ceil(a))
print(torch.floor(a))
print(torch.clamp(a, -0.5, 0.5))

angles = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
sines = torch.sin(angles)
inverses = torch.asin(sines)
print('\nSine and arcsine:')
print(angles)
print(sines)
print(inverses)

print('\nBitwise XOR:')
b = torch.tensor([1, 5, 11])
c = torch.tensor([2, 7, 10])
print(torch.bitwise_xor(b, c))

print('\nBroadcasted, element-wise equality comparison:')
d = torch.tensor([[1., 2.], [3., 4.]])
e = torch.ones(1, 2)
print(torch.eq(d, e))  # a tensor of type bool

print('\nReduction ops:')
print(torch.max(d))         # a single-element tensor
print(torch.max(d).item())  # the value as a Python number
print(torch.mean(d))
print(torch.std(d))
print(torch.prod(d))
print(torch.unique(torch.tensor([1, 2, 1, 2, 1, 2])))

v1 = torch.tensor([1., 0., 0.])          # x unit vector
v2 = torch.tensor([0., 1., 0.])          # y unit vector
m1 = torch.rand(2, 2)                    # random matrix
m2 = torch.tensor([[3., 0.], [0., 3.]])  # three times identity matrix

print('\nVectors & Matrices:')
print(torch.linalg.cross(v2, v1))  # negative of z unit vector (v1 x v2 == -v2 x v1)
print(m1)
m3 = torch.linalg.matmul(m1, m2)
print(m3)  # 3 times m1
U, S, Vh = torch.linalg.svd(m3)
print(S)
print(torch.allclose(U @ torch.diag(S) @ Vh, m3, atol=1e-5))

# --------------------------------------------------------------------------------------
section("Altering tensors in place")
a = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print(torch.sin(a))  # a new tensor
print(a)             # a has not changed

b = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
print(torch.sin_(b))  # note the underscore
print(b)              # b has changed

a = torch.ones(2, 2)
b = torch.rand(2, 2)
print(a.add_(b))
print(a)
print(b.mul_(b))
print(b)

a = torch.rand(2, 2)
b = torch.rand(2, 2)
c = torch.zeros(2, 2)
old_id = id(c)
d = torch.matmul(a, b, out=c)
print(c)                # the contents of c have changed
assert c is d           # the same object, not just equal values
assert id(c) == old_id
torch.rand(2, 2, out=c)  # works for creation too
print(c)
assert id(c) == old_id

# --------------------------------------------------------------------------------------
section("Copying tensors")
a = torch.ones(2, 2)
b = a
a[0][1] = 561  # we change a...
print(b)       # ...and b is also altered

a = torch.ones(2, 2)
b = a.clone()
assert b is not a      # different objects in memory...
print(torch.eq(a, b))  # ...with the same contents
a[0][1] = 561          # a changes...
print(b)               # ...but b is still all ones

a = torch.rand(2, 2, requires_grad=True)  # turn on autograd
print(a)
b = a.clone()
print(b)  # b remembers where it came from (grad_fn)
c = a.detach().clone()
print(c)  # c does not

# --------------------------------------------------------------------------------------
section("Devices")
if torch.cuda.is_available():
    my_device = torch.device('cuda')
    print('We have a GPU!')
else:
    my_device = torch.device('cpu')
    print('Sorry, CPU only.')
print('Device: {}'.format(my_device))

x = torch.rand(2, 2, device=my_device)
print(x.device.type == my_device.type)
y = torch.rand(2, 2).to(my_device)
print((x + y).shape)

if torch.cuda.is_available():
    try:
        torch.rand(2, 2) + torch.rand(2, 2, device='cuda')  # tensors on two devices
    except RuntimeError as e:
        print(type(e).__name__)

# --------------------------------------------------------------------------------------
section("Manipulating tensor shapes")
a = torch.rand(3, 226, 226)
b = a.unsqueeze(0)
print(a.shape)
print(b.shape)

a = torch.rand(1, 20)
b = a.squeeze(0)
print(a.shape, b.shape)

c = torch.rand(2, 2)
print(c.squeeze(0).shape)  # dimension 0 has size 2: nothing to squeeze

a = torch.ones(4, 3, 2)
b = torch.rand(3)
c = b.unsqueeze(1)  # (3,) -> (3, 1): now it broadcasts against (4, 3, 2)
print(c.shape)
print(a * c)

batch_me = torch.rand(3, 226, 226)
batch_me.unsqueeze_(0)
print(batch_me.shape)

output3d = torch.rand(6, 20, 20)
input1d = output3d.reshape(6 * 20 * 20)
print(input1d.shape)
print(torch.reshape(output3d, (6 * 20 * 20,)).shape)

# --------------------------------------------------------------------------------------
section("NumPy bridge")
numpy_array = np.ones((2, 3))
pytorch_tensor = torch.from_numpy(numpy_array)
print(pytorch_tensor)

pytorch_rand = torch.rand(2, 3)
numpy_rand = pytorch_rand.numpy()
print(numpy_rand.shape, numpy_rand.dtype)

numpy_array[1, 1] = 23  # they share memory: the tensor sees it
print(pytorch_tensor)

pytorch_rand[1, 1] = 17  # and the array sees this
print(numpy_rand[1, 1])

# --------------------------------------------------------------------------------------
section("Autograd")
x = torch.ones(2, 2, requires_grad=True)
print(x)

y = x + 2
print(y)
print(y.grad_fn is not None, x.grad_fn is None)

z = y * y * 3
out = z.mean()
print(z)
print(out)

out.backward()  # d(out)/dx = 6 * (x + 2) / 4 = 4.5
print(x.grad)

s = x.sum()
s.backward()  # gradients accumulate
print(x.grad)

x.grad.zero_()
s = x.sum()
s.backward()
print(x.grad)

print(x.requires_grad, (x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)

# a vector-Jacobian product: backward() of a non-scalar takes the vector v
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * x
v = torch.tensor([0.1, 1.0, 0.0001])
y.backward(v)
print(x.grad)  # v * 2x

a = torch.rand(5, requires_grad=True)
torch.sin(a).sum().backward()  # d(sum(sin a))/da = cos a
print(torch.allclose(a.grad, torch.cos(a.detach())))
