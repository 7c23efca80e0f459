print("nerved")
