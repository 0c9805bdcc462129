import Flint
print("todo")
